// Which value of a request-routing setting applies: in an untrusted workspace a cloned repo must not be
// able to point requests (and so keys) at another server, so only the user's own value counts.

export interface InspectedSetting<T> {
  readonly defaultValue?: T;
  readonly globalValue?: T;
  readonly workspaceValue?: T;
  readonly workspaceFolderValue?: T;
}

export function settingForTrust<T>(trusted: boolean, inspected: InspectedSetting<T> | undefined, fallback: T): T {
  if (!inspected) return fallback;
  if (trusted)
    return inspected.workspaceFolderValue ?? inspected.workspaceValue ?? inspected.globalValue ?? inspected.defaultValue ?? fallback;
  return inspected.globalValue ?? inspected.defaultValue ?? fallback;
}
