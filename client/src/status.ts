// The language status: one state for registry and trust lookups — reachable, offline (a warning, with Retry / Work
// offline / Show output as visible actions), working from the cache, or off — as the server reports it.
import * as vscode from 'vscode';
import type { NetworkMode, StatusParams } from '../../server/src/protocol';

type Selector = vscode.DocumentSelector;

export const RETRY = 'dockerfileTrust.refresh';
export const WORK_OFFLINE = 'dockerfileTrust.workOffline';
export const GO_ONLINE = 'dockerfileTrust.goOnline';
export const SHOW_OUTPUT = 'dockerfileTrust.showOutput';

const SETTING = 'network.mode';

/** Three items, each with one visible action (a language status item has one): the state, the network mode, the output. */
export class LookupStatus implements vscode.Disposable {
  private readonly main: vscode.LanguageStatusItem;
  private readonly network: vscode.LanguageStatusItem;
  /** Only while something failed: where the one line per failure is. */
  private output: vscode.LanguageStatusItem | undefined;

  constructor(private readonly selector: Selector) {
    this.main = vscode.languages.createLanguageStatusItem('dockerfileTrust.status', selector);
    this.main.name = 'Dockerfile Trust';
    this.main.text = '$(loading~spin) Dockerfile Trust starting';
    this.main.command = { command: SHOW_OUTPUT, title: 'Show output' };
    this.network = vscode.languages.createLanguageStatusItem('dockerfileTrust.network', selector);
    this.network.name = 'Dockerfile Trust lookups';
    this.network.text = '';
  }

  dispose(): void {
    this.main.dispose();
    this.network.dispose();
    this.output?.dispose();
  }

  failed(text: string): void {
    this.main.text = `$(error) ${text}`;
    this.main.severity = vscode.LanguageStatusSeverity.Error;
    this.main.busy = false;
  }

  show(s: StatusParams): void {
    const main = this.main;
    main.busy = false;
    if (!vscode.workspace.isTrusted) {
      main.text = '$(shield) Restricted Mode: syntax checks only';
      main.detail = 'No registry or trust lookups, credential helpers or policy files until you trust this workspace.';
      main.severity = vscode.LanguageStatusSeverity.Warning;
      main.command = { command: SHOW_OUTPUT, title: 'Show output' };
      this.setNetwork('Lookups: none in Restricted Mode', undefined);
      this.setOutput(false);
      return;
    }
    const state = s.state ?? (s.severity === 'ok' ? 'ok' : 'unreachable');
    const icon = state === 'unreachable' || state === 'cacheOnly' ? '$(cloud-offline)' : state === 'off' ? '$(circle-slash)' : '$(shield)';
    main.text = `${icon} ${s.text}`;
    main.detail = s.detail;
    // Being offline is a state to know about, not an error in the Dockerfile: a warning at most.
    main.severity = s.severity === 'ok' ? vscode.LanguageStatusSeverity.Information : vscode.LanguageStatusSeverity.Warning;
    main.command = state === 'unreachable' ? { command: RETRY, title: 'Retry', tooltip: s.cause !== undefined ? `${s.cause}. Retry asks the registries and trust servers again now.` : 'Ask the registries and trust servers again now' } : { command: SHOW_OUTPUT, title: 'Show output' };
    const mode: NetworkMode = s.mode ?? 'on';
    if (mode === 'on') this.setNetwork('Lookups: on', { command: WORK_OFFLINE, title: 'Work offline', tooltip: 'Answer from the cache only and send nothing (dockerfileTrust.network.mode: cacheOnly)' });
    else this.setNetwork(mode === 'cacheOnly' ? 'Lookups: cache only' : 'Lookups: off', { command: GO_ONLINE, title: 'Go online', tooltip: 'Look images up again (dockerfileTrust.network.mode: on)' });
    this.setOutput(state === 'unreachable');
  }

  private setNetwork(text: string, command: vscode.Command | undefined): void {
    this.network.text = text;
    // Short: the action must stay in view on the same line.
    this.network.detail = text === 'Lookups: on' ? '' : 'nothing is sent';
    this.network.command = command;
  }

  private setOutput(on: boolean): void {
    if (!on) {
      this.output?.dispose();
      this.output = undefined;
      return;
    }
    if (this.output !== undefined) return;
    this.output = vscode.languages.createLanguageStatusItem('dockerfileTrust.output', this.selector);
    this.output.name = 'Dockerfile Trust output';
    this.output.text = 'Failures';
    this.output.detail = 'one line each';
    this.output.command = { command: SHOW_OUTPUT, title: 'Show output' };
  }
}

/**
 * Sets the network mode where it takes effect: the user's settings (machine-scoped, so never the workspace's). The
 * switches it replaced are cleared in the user's settings too; one left in the workspace's settings is named.
 */
export async function setNetworkMode(mode: NetworkMode, output: vscode.LogOutputChannel): Promise<void> {
  const cfg = vscode.workspace.getConfiguration('dockerfileTrust');
  await cfg.update(SETTING, mode, vscode.ConfigurationTarget.Global);
  if (mode === 'on') {
    for (const old of ['offline', 'network.enabled']) {
      const i = cfg.inspect(old);
      if (i?.globalValue !== undefined) await cfg.update(old, undefined, vscode.ConfigurationTarget.Global);
      if (i?.workspaceValue !== undefined || i?.workspaceFolderValue !== undefined) {
        const msg = `dockerfileTrust.${old} (deprecated) is set in this workspace's settings and still keeps lookups ${old === 'offline' ? 'to the cache' : 'off'}: remove it there to go online.`;
        output.warn(msg);
        void vscode.window.showWarningMessage(msg);
      }
    }
  }
  output.info(`dockerfileTrust.network.mode set to "${mode}" in the user settings`);
}
