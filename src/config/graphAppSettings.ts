// How to reach Entra ID's token endpoint and Microsoft Graph with an app's own credentials: the settings every
// Graph adapter shares (the password-reset directory, the external-method registration).
export interface GraphAppSettings {
  readonly tenantId: string;
  readonly clientId: string;
  /** Secret: the app registration's client secret. */
  readonly clientSecret: string;
  /** https://login.microsoftonline.com, or a national cloud / stand-in. */
  readonly loginBaseUrl: string;
  /** https://graph.microsoft.com/v1.0 (or /beta), a national cloud or a stand-in. */
  readonly apiBaseUrl: string;
  readonly timeoutMs: number;
}
