// The id of every Signet dialog, in one place so dialogs can begin each other without importing each other.
export const DIALOG_IDS = {
  router: 'signet:router',
  registration: 'signet:registration',
  addMethod: 'signet:addMethod',
  appSetup: 'signet:appSetup',
  phone: 'signet:phone',
  officePhone: 'signet:officePhone',
  email: 'signet:email',
  securityQuestions: 'signet:securityQuestions',
  securityKey: 'signet:securityKey',
  manageMethods: 'signet:manageMethods',
  help: 'signet:help',
  helpDesk: 'signet:helpDesk',
  passwordReset: 'signet:passwordReset',
} as const;
