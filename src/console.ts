import type { DemoLogin } from './modules/demo/demo.service.js';

/**
 * Credentials are printed to the console once (stdout), never written to the structured log,
 * which may be shipped elsewhere.
 */
export function printInitialAdmin(admin: { email: string; password: string }, url: string): void {
  process.stdout.write(
    [
      '',
      '  ┌──────────────────────────────────────────────────────────────────┐',
      '  │  First start: an administrator account was created.              │',
      `     Log in at ${url}/login`,
      `     E-mail:   ${admin.email}`,
      `     Password: ${admin.password}   (one-time: change it at first login)`,
      '     You will set up a second factor (authenticator app) right after.',
      '  └──────────────────────────────────────────────────────────────────┘',
      '',
    ].join('\n') + '\n',
  );
}

export function printDemoLogins(logins: DemoLogin[], url: string): void {
  if (logins.length === 0) {
    process.stdout.write('Demo data already present; passwords were printed when it was created.\n');
    return;
  }
  process.stdout.write(`\nDemo logins (${url}/login) — shown once:\n`);
  for (const l of logins)
    process.stdout.write(`  ${l.role.padEnd(11)} ${l.email.padEnd(40)} ${l.password}  (${l.organisation})\n`);
  process.stdout.write('Admin, counsellor and partner set up a second factor at first login.\n\n');
}
