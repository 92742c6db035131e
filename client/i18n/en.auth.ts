import type { authZhCN } from './zh-CN.auth.js';

type Messages = { [Group in keyof typeof authZhCN]: { [Key in keyof (typeof authZhCN)[Group]]: string } };

/** English messages of access control; the keys match zh-CN.auth.ts. */
export const authEn: Messages = {
  login: {
    title: 'Pingdingshan School Safety Command Centre',
    subtitle: 'Duty staff sign-in',
    username: 'Username',
    password: 'Password',
    submit: 'Sign in',
    submitting: 'Signing in…',
    wrong: 'Wrong username or password',
    throttled: 'Too many sign-in attempts from this computer. Try again in {wait}.',
    throttledOver: 'The wait is over: you can sign in again.',
    waitSeconds: '{n} s',
    waitMinutes: '{n} min',
    invalid: 'Enter a username and a password',
    failed: 'Cannot reach the server: {error}',
    expired: 'Your session has ended. Please sign in again.',
    notice: 'For authorised police and education duty staff only. Every action is recorded.',
  },
  account: {
    role: 'Role',
    district: 'District',
    city: 'Whole city',
    signOut: 'Sign out',
    changePassword: 'Change password',
    menu: 'Account',
    currentPassword: 'Current password',
    newPassword: 'New password (at least {min} characters)',
    confirmPassword: 'New password again',
    save: 'Save',
    cancel: 'Cancel',
    tooShort: 'The new password needs at least {min} characters',
    mismatch: 'The two new passwords differ',
    changed: 'Password changed. Sign-ins on other devices were ended.',
    refused: 'Not changed: {error}',
    readOnly: 'Read-only',
  },
  role: {
    police_operator: 'Police operator',
    education_staff: 'Education bureau staff',
    school_user: 'School user',
    viewer: 'Big-screen viewer',
    admin: 'Administrator',
    responder: 'Responder (police unit)',
  },
};
