// Rule pages, rendered: the pages ship inside the extension (docs/rules/<id>.md) and open in the Markdown preview,
// from the "Show documentation" code action and from the rule code link of a diagnostic (Problems panel, hover).
import * as vscode from 'vscode';

export const SHOW_RULE_DOC = 'dockerfileTrust.showRuleDoc';
const RULE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export class RuleDocs implements vscode.UriHandler {
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  /** The link a diagnostic's rule code opens: handled by this extension (handleUri), which shows the rendered page. */
  linkFor(ruleId: string): vscode.Uri {
    return vscode.Uri.from({ scheme: vscode.env.uriScheme, authority: this.context.extension.id, path: `/rule/${ruleId}` });
  }

  /** Rewrites a diagnostic's code link (the bundled file, which would open as raw Markdown) to the rendered page. */
  relink(d: vscode.Diagnostic): void {
    const code = d.code;
    if (typeof code !== 'object' || code === null || !('target' in code)) return;
    const m = /\/docs\/rules\/([a-z0-9-]+)\.md$/.exec(code.target.path);
    if (m?.[1] !== undefined) d.code = { value: code.value, target: this.linkFor(m[1]) };
  }

  handleUri(uri: vscode.Uri): void {
    const m = /^\/rule\/([a-z0-9-]+)$/.exec(uri.path);
    if (m?.[1] !== undefined) void this.show(m[1]);
  }

  async show(ruleId: unknown): Promise<void> {
    if (typeof ruleId !== 'string' || !RULE_ID.test(ruleId)) return;
    const page = vscode.Uri.joinPath(this.context.extensionUri, 'docs', 'rules', `${ruleId}.md`);
    try {
      await vscode.workspace.fs.stat(page);
    } catch {
      void vscode.window.showWarningMessage(`Dockerfile Trust has no page for the rule "${ruleId}".`);
      return;
    }
    try {
      // Beside the Dockerfile: the page is read next to the line it explains.
      await vscode.commands.executeCommand('markdown.showPreviewToSide', page);
    } catch (err) {
      // Without the built-in Markdown extension, the page as text is still better than nothing.
      this.output.warn(`the Markdown preview is not available (${err instanceof Error ? err.message : String(err)}); opening the rule page as text`);
      await vscode.window.showTextDocument(page, { preview: true });
    }
  }
}
