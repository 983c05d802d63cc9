/** `run()` in-process for what needs no server: usage errors and their exit codes, help, raci, requirements. */
import { run } from '../../client/cli';
import { plainStyle, type Io } from '../../client/io';

function captureIo(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    style: plainStyle(),
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    json: (v) => stdout.push(JSON.stringify(v)),
    now: () => 0,
  };
}

const ENV = { TEMPORAL_ADDRESS: '127.0.0.1:1' };

describe('cuo run()', () => {
  it('prints help with the exit codes and exits 0', async () => {
    const io = captureIo();
    expect(await run(['--help'], io, ENV)).toBe(0);
    expect(io.stdout.join('\n')).toContain('Exit codes: 0 ok, 1 unexpected failure, 2 bad usage');
  });

  it('exits 2 on unknown commands, missing options and bad global options', async () => {
    const io = captureIo();
    expect(await run(['aprove', 'x', 'y'], io, ENV)).toBe(2);
    expect(await run(['approve', 'acme', 'create-upgrade-plan', '--as', 'carla@acme.example'], io, ENV)).toBe(2);
    expect(io.stderr.join('\n')).toContain('decisions take your identity from your sign-in, not from --as: run `cuo login`');
    expect(await run(['cancel', 'acme'], io, ENV)).toBe(2);
    expect(io.stderr.join('\n')).toContain("required option '--reason <text>' not specified");
    expect(await run(['--timeout', 'soon', 'status', 'acme'], io, ENV)).toBe(2);
    expect(io.stderr.at(-1)).toBe('cuo: --timeout must be a number of seconds greater than 0, got "soon"');
    expect(await run(['--task-queue', 'a b', 'list'], io, ENV)).toBe(2);
  });

  it('answers raci and requirements from the data, 4 when nothing matches', async () => {
    const io = captureIo();
    expect(await run(['raci', 'change', 'approval', '--json'], io, ENV)).toBe(0);
    expect(JSON.parse(io.stdout.at(-1)!)).toEqual([
      expect.objectContaining({ id: 'change-approval-board-to-approve-production-deployments', 'managed-services': 'owner' }),
    ]);
    expect(await run(['raci', 'quantum'], io, ENV)).toBe(4);
    expect(await run(['requirements', '2.4.7-p3'], io, ENV)).toBe(0);
    expect(io.stdout.at(-1)).toMatch(/^Adobe Commerce 2\.4\.7-p3 on cloud infrastructure\n\nSERVICE +SUPPORTED VERSIONS\nPHP +8\.3, 8\.2/);
    expect(await run(['requirements', '2.4.7', '--platform', 'mars'], io, ENV)).toBe(2);
  });
});
