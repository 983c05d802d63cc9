/**
 * People of the CLI tests, signed in the way people sign in: one approvals gateway for the test file, and `cuo
 * login` for each person (test/support/gateway-process.ts). `env(email)` is what that person's `cuo` runs with.
 */
import { loginAs, startGateway, type GatewayProcess } from './gateway-process';

export interface CliPeople {
  gateway: GatewayProcess;
  env(email: string): Record<string, string>;
  stop(): Promise<void>;
}

export async function signInPeople(emails: string[]): Promise<CliPeople> {
  const gateway = await startGateway();
  const envs = new Map<string, Record<string, string>>();
  try {
    for (const email of emails) {
      const person = await loginAs(gateway, email);
      if (person.code !== 0) throw new Error(`cuo login as ${email} failed:\n${person.stdout}`);
      envs.set(email, person.env);
    }
  } catch (err) {
    await gateway.stop();
    throw err;
  }
  return {
    gateway,
    env: (email) => {
      const env = envs.get(email);
      if (!env) throw new Error(`${email} did not sign in in this test file`);
      return env;
    },
    stop: () => gateway.stop(),
  };
}
