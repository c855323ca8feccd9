// What an account must do before anything else: change a one-time password, or enrol in
// two-factor authentication when the operator requires it.

export type RequiredAction = 'password-change' | 'two-factor-enrolment';

export function requiredAction(account: { passwordChangeRequired: boolean; twoFactorEnabled: boolean }, twoFactorRequired: boolean): RequiredAction | undefined {
  if (account.passwordChangeRequired) return 'password-change';
  if (twoFactorRequired && !account.twoFactorEnabled) return 'two-factor-enrolment';
  return undefined;
}

export const requiredActionDetail: Record<RequiredAction, string> = {
  'password-change': 'Choose a new password first (POST /api/v1/account/password): the one you logged in with was for one use only.',
  'two-factor-enrolment': 'This installation requires two-factor authentication: enrol first (POST /api/v1/account/two-factor).',
};
