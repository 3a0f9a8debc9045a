// Transport floor for the benchmark: an LSP "server" with no library and no analysis. It reads the
// Content-Length frames itself and answers every didOpen/didChange with an empty publishDiagnostics,
// written synchronously. No real server can answer faster over the same pipe.
'use strict';
const fs = require('node:fs');

let buf = Buffer.alloc(0);
function send(obj) {
  const body = Buffer.from(JSON.stringify(obj), 'utf8');
  fs.writeSync(1, Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]));
}
process.stdin.on('data', (chunk) => {
  buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
  for (;;) {
    const h = buf.indexOf('\r\n\r\n');
    if (h < 0) return;
    const m = /Content-Length: *(\d+)/i.exec(buf.subarray(0, h).toString('ascii'));
    if (m === null) process.exit(2);
    const len = Number(m[1]);
    if (buf.length < h + 4 + len) return;
    const msg = JSON.parse(buf.subarray(h + 4, h + 4 + len).toString('utf8'));
    buf = buf.subarray(h + 4 + len);
    if (msg.method === 'initialize') send({ jsonrpc: '2.0', id: msg.id, result: { capabilities: { textDocumentSync: 2 } } });
    else if (msg.method === 'shutdown') send({ jsonrpc: '2.0', id: msg.id, result: null });
    else if (msg.method === 'exit') process.exit(0);
    else if (msg.method === 'textDocument/didOpen' || msg.method === 'textDocument/didChange') {
      const td = msg.params.textDocument;
      send({ jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: td.uri, version: td.version, diagnostics: [] } });
    } else if (msg.id !== undefined && msg.method !== undefined) send({ jsonrpc: '2.0', id: msg.id, result: null });
  }
});
