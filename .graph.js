const ts=require('typescript'),fs=require('fs'),path=require('path');
function walk(d,o=[]){for(const e of fs.readdirSync(d,{withFileTypes:true})){const p=path.join(d,e.name); if(e.isDirectory())walk(p,o); else if(p.endsWith('.ts'))o.push(p);}return o;}
const files=[...walk('src'),...walk('dialogs'),...walk('scripts')];
for(const f of files){const sf=ts.createSourceFile(f,fs.readFileSync(f,'utf8'),ts.ScriptTarget.Latest,false);
 const specs=[];
 const visit=(n)=>{ if((ts.isImportDeclaration(n)||ts.isExportDeclaration(n))&&n.moduleSpecifier&&ts.isStringLiteral(n.moduleSpecifier))specs.push(n.moduleSpecifier.text);
  else if(ts.isCallExpression(n)&&(n.expression.kind===ts.SyntaxKind.ImportKeyword||(ts.isIdentifier(n.expression)&&n.expression.text==='require'))&&n.arguments[0]&&ts.isStringLiteral(n.arguments[0]))specs.push(n.arguments[0].text);
  else if(ts.isImportTypeNode(n)&&ts.isLiteralTypeNode(n.argument)&&ts.isStringLiteral(n.argument.literal))specs.push(n.argument.literal.text);
  ts.forEachChild(n,visit);}; visit(sf);
 for(const s of specs){ const t=s.startsWith('.')?path.normalize(path.join(path.dirname(f),s)):s; console.log(f+' -> '+t);}
}
