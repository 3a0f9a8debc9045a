// Read-only virtual documents (dockerfile-trust:) with the full trust chain of one image, rendered by the server.
import * as vscode from 'vscode';
import { Requests, type TrustDetailsResult } from '../../server/src/protocol';
import { describe, type Ctx } from './requests';

export const TRUST_SCHEME = 'dockerfile-trust';

/** The reference travels in the query; the path only gives the tab a readable, Markdown-typed name. */
export function trustDetailsUri(reference: string): vscode.Uri {
  const name = reference.replace(/@sha256:([0-9a-f]{12})[0-9a-f]*/, '@$1').replace(/[^A-Za-z0-9._:@-]+/g, '_');
  return vscode.Uri.from({ scheme: TRUST_SCHEME, path: `/${name}.md`, query: encodeURIComponent(reference) });
}

export class TrustDetailsProvider implements vscode.TextDocumentContentProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly open = new Set<string>();

  constructor(private readonly ctx: Ctx) {}

  refreshAll(): void {
    for (const u of this.open) this.emitter.fire(vscode.Uri.parse(u));
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    this.open.add(uri.toString());
    const reference = decodeURIComponent(uri.query);
    try {
      const r = await this.ctx.client.sendRequest<TrustDetailsResult>(Requests.trustDetails, { reference });
      return r.markdown;
    } catch (err) {
      this.ctx.output.error(`trust details for ${reference} failed: ${describe(err)}`);
      return `# ${reference}\n\nThe trust details could not be computed: ${describe(err)}\n`;
    }
  }
}
