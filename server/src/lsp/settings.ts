// Settings per document, as the client answers for that resource: cached until the configuration changes.
import type { Connection } from 'vscode-languageserver/node';
import { DEFAULT_SETTINGS, normalizeSettings, type MachineSettings, type Settings } from '../protocol';

export interface SettingsSource {
  /** The document's settings (analysis) and the process's (machine), normalised; cached per URI. */
  for(uri: string): Promise<Settings>;
  /** The process's machine settings (network mode, registries, policy), read without a document; cached like the rest. */
  machine(): Promise<MachineSettings>;
  /** Forgets everything (the configuration changed). */
  clear(): void;
  /** Forgets one document (closed). */
  forget(uri: string): void;
}

export function documentSettings(connection: Connection, pull: () => boolean, onSettings?: (s: Settings) => void, project?: (uri: string, s: Settings) => Settings): SettingsSource {
  const byUri = new Map<string, Promise<Settings>>();
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
        if (project !== undefined) s = s.then((settings) => project(uri, settings));
        s = s.then((settings) => {
          onSettings?.(settings);
          return settings;
        });
        byUri.set(uri, s);
      }
      return s;
    },
    clear: () => {
      byUri.clear();
      machine = undefined;
    },
    forget: (uri) => void byUri.delete(uri),
  };
}
