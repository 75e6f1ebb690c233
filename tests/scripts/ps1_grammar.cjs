// ps1_grammar.cjs FILE... - parses each file with the PowerShell grammar of
// tree-sitter-powershell (web-tree-sitter) and prints every ERROR or
// MISSING node as FILE:LINE:COLUMN; exits 1 when there is one, 2 when the
// grammar cannot be loaded.  NODE_PATH names the node_modules to use.
'use strict';
const fs = require('fs');

async function main() {
  const { Parser, Language } = require('web-tree-sitter');
  await Parser.init();
  const lang = await Language.load(require.resolve('tree-sitter-powershell/tree-sitter-powershell.wasm'));
  const parser = new Parser();
  parser.setLanguage(lang);
  let bad = 0;
  for (const file of process.argv.slice(2)) {
    const text = fs.readFileSync(file, 'latin1');
    const tree = parser.parse(text);
    const stack = [tree.rootNode];
    let nodes = 0;
    while (stack.length) {
      const n = stack.pop();
      nodes++;
      if (n.type === 'ERROR' || n.isMissing) {
        const p = n.startPosition;
        console.log(`${file}:${p.row + 1}:${p.column + 1}: ${n.isMissing ? 'MISSING ' + n.type : 'ERROR'}: ` +
                    JSON.stringify(text.slice(n.startIndex, Math.min(n.endIndex, n.startIndex + 60))));
        bad++;
      }
      for (let i = n.childCount - 1; i >= 0; i--) stack.push(n.child(i));
    }
    console.log(`${file}: ${nodes} nodes`);
  }
  process.exit(bad ? 1 : 0);
}
main().catch((e) => { console.log('cannot load the grammar: ' + e); process.exit(2); });
