// Optional code lenses (dockerfileTrust.codeLens.enabled) showing pin and signature state above each image.
import * as vscode from 'vscode';
import { signatureLabel } from './inventoryModel';
import { requestImageUses, toRange, type Ctx } from './requests';

export class ImageCodeLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;

  constructor(private readonly ctx: Ctx) {}

  dispose(): void {
    this.emitter.dispose();
  }

  changed(): void {
    this.emitter.fire();
  }

  async provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (vscode.workspace.getConfiguration('dockerfileTrust', doc.uri).get<boolean>('codeLens.enabled') !== true) return [];
    const uses = await requestImageUses(this.ctx, doc.uri, doc.getText(), false);
    const lenses: vscode.CodeLens[] = [];
    for (const u of uses ?? []) {
      if (u.canonical === null) continue;
      const pin = u.pinnedDigest !== null ? '$(pinned) pinned' : '$(circle-outline) not pinned';
      const sig =
        u.signature === 'signed'
          ? `$(verified) signed by ${u.signers.join(', ')}${u.expires !== null ? `, expires ${u.expires.slice(0, 10)}` : ''}`
          : u.signature === 'offline'
            ? `$(cloud-offline) ${signatureLabel(u.signature)}`
            : u.signature === 'unknown'
              ? '$(question) signature not checked'
              : `$(warning) ${signatureLabel(u.signature)}`;
      lenses.push(new vscode.CodeLens(toRange(u.range), { title: `${pin} · ${sig}`, command: 'dockerfileTrust.showTrustDetails', arguments: [u.canonical] }));
    }
    return lenses;
  }
}
