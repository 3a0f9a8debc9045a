// Settings per document, as the client answers for that resource: cached until the configuration changes.
import type { Connection } from 'vscode-languageserver/node';
import { DEFAULT_SETTINGS, normalizeSettings, type MachineSettings, type Settings } from '../protocol';

export interface SettingsSource {
  /** The document's settings (analysis) and the process's (machine), normalised; cached per URI. */
  for(uri: string): Promise<Settings>;
  /** Settings of many documents in one request to the client (the inventory), in order; cached like `for`. */
  many(uris: readonly string[]): Promise<readonly Settings[]>;
  /** The process's machine settings (network mode, registries, policy), read without a document; cached like the rest. */
  machine(): Promise<MachineSettings>;
  /** Forgets everything (the configuration changed). */
  clear(): void;
  /** Forgets one document (closed). */
  forget(uri: string): void;
}

export function documentSettings(connection: Connection, pull: () => boolean, onSettings?: (s: Settings) => void, project?: (uri: string, s: Settings) => Settings): SettingsSource {
  const byUri = new Map<string, Promise<Settings>>();
  const finish = (uri: string, s: Promise<Settings>): Promise<Settings> =>
    (project !== undefined ? s.then((settings) => project(uri, settings)) : s).then((settings) => {
      onSettings?.(settings);
      return settings;
    });
  let machine: Promise<Settings> | undefined;
  return {
    machine() {
      machine ??= (pull() ? connection.workspace.getConfiguration({ section: 'dockerfileTrust' }).then(normalizeSettings, () => DEFAULT_SETTINGS) : Promise.resolve(DEFAULT_SETTINGS)).then((settings) => {
        onSettings?.(settings);
        return settings;
      });
      return machine.then((s) => s.machine);
    },
    for(uri) {
      let s = byUri.get(uri);
      if (s === undefined) {
        s = pull()
          ? connection.workspace.getConfiguration({ scopeUri: uri, section: 'dockerfileTrust' }).then(normalizeSettings, () => DEFAULT_SETTINGS)
          : Promise.resolve(DEFAULT_SETTINGS);
        s = finish(uri, s);
        byUri.set(uri, s);
      }
      return s;
    },
    many(uris) {
      const missing = [...new Set(uris.filter((u) => !byUri.has(u)))];
      if (missing.length > 0) {
        // One workspace/configuration request for all of them (the protocol takes a list of items).
        const all: Promise<unknown[]> = pull()
          ? connection.workspace.getConfiguration(missing.map((scopeUri) => ({ scopeUri, section: 'dockerfileTrust' }))).then((r: unknown) => (Array.isArray(r) ? r : []), () => [])
          : Promise.resolve([]);
        missing.forEach((uri, i) => byUri.set(uri, finish(uri, all.then((r) => (i < r.length ? normalizeSettings(r[i]) : DEFAULT_SETTINGS)))));
      }
      return Promise.all(uris.map((u) => byUri.get(u)!));
    },
    clear: () => {
      byUri.clear();
      machine = undefined;
    },
    forget: (uri) => void byUri.delete(uri),
  };
}
