/** Resolves a staff member's contact at send time, so queue payloads carry only the user id. */
export const STAFF_DIRECTORY = Symbol('STAFF_DIRECTORY');

export interface StaffDirectory {
  /** null when the user no longer exists or is disabled: the e-mail is then dropped */
  contactOf(userId: string): Promise<{ email: string; lang: string } | null>;
}
