/**
 * Project files in the shape of the magento-cloud template's 2.4.6 branch (facts §2: mysql:10.11, redis:7.2,
 * opensearch:2, php:8.2), with a RabbitMQ service and the comments and mixed indentation real projects carry.
 */
export const SERVICES_246 = `# This file describes an application's services. You can define as many services as your
# application requires, subject to your plan's resource restrictions.
mysql:
    type: mysql:10.11   # MariaDB, despite the name
    disk: 5120

# Cache and sessions
redis:
  type: redis:7.2

opensearch:
    type: opensearch:2
    disk: 1024

rabbitmq:
    type: 'rabbitmq:3.11'
    disk: 1024
`;

export const APP_246 = `# Application name
name: mymagento

# The toolstack used to build the application.
type: php:8.2

build:
    flavor: none

dependencies:
    php:
        composer/composer: '2.2.26'

# Services the application uses
relationships:
    database: "mysql:mysql"
    redis: "redis:redis"   # cache and sessions
    opensearch: "opensearch:opensearch"
    rabbitmq: "rabbitmq:rabbitmq"

hooks:
    build: |
        set -e
        php ./vendor/bin/ece-tools run scenario/build/generate.xml
        php ./vendor/bin/ece-tools run scenario/build/transfer.xml
    deploy: |
        php ./vendor/bin/ece-tools run scenario/deploy.xml
`;

/** The master (2.4.8) template services.yaml, verbatim from the facts file. */
export const SERVICES_MASTER = `mysql:
    type: mysql:11.4
    disk: 5120
cache:
  type: valkey:8.0
opensearch:
    type: opensearch:3
    disk: 1024
`;

/** A project file as a CSE writes it; `projectInputSchema` fills in the defaults. */
export const PROJECT_FILE = {
  version: 1,
  projectId: 'acme-2-4-8',
  customer: 'ACME Retail',
  participants: {
    customer: [{ name: 'Carla Customer', email: 'carla@acme.example' }],
    partner: [
      { name: 'Pat Partner', email: 'pat@agency.example' },
      { name: 'Dana Developer', email: 'dana@agency.example' },
    ],
    'managed-services': [{ name: 'Sam CSE', email: 'sam@adobe.example' }],
  },
  currentVersion: '2.4.6-p8',
  targetVersion: '2.4.8-p5',
  repository: { url: '/srv/git/acme.git', baseBranch: 'master' },
  environments: {
    staging: { url: 'https://mcstaging.acme.example', branch: 'staging' },
    production: { url: 'https://www.acme.example', branch: 'production' },
  },
  // Tuesdays and Thursdays 22:00 UTC for 4 hours.
  changeWindows: [{ days: ['tue', 'thu'], startUtc: '22:00', durationMinutes: 240 }],
  timeline: { start: '2026-05-18', launch: '2026-07-02' },
} as const;
