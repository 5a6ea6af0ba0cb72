/// The opsroom page served at `/`: a self-contained HTML page (no build toolchain) that reads the
/// API and shows councils, open decisions and their tallies, and the latest plans.
enum Opsroom {
    static let page = #"""
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Synco opsroom</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;background:#101418;color:#e8eef2}
header{padding:1rem 1.5rem;background:#1b2530}h1{margin:0;font-size:1.4rem}
main{display:grid;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr));gap:1rem;padding:1rem}
section{background:#18202a;border-radius:.5rem;padding:1rem}h2{font-size:1.1rem;margin-top:0}
li{margin:.25rem 0}a{color:#8fd3ff}.muted{color:#9aa8b4}
</style></head>
<body><header><h1>Synco opsroom</h1><span class="muted" id="health">…</span></header>
<main>
<section aria-labelledby="c"><h2 id="c">Councils</h2><ul id="councils"></ul></section>
<section aria-labelledby="d"><h2 id="d">Decisions</h2><ul id="decisions"></ul></section>
<section aria-labelledby="p"><h2 id="p">Plans</h2><ul id="plans"></ul></section>
</main>
<script>
async function get(u){const r=await fetch(u);if(!r.ok)throw new Error(u+': '+r.status);return r.json()}
function li(list,text){const e=document.createElement('li');e.textContent=text;document.getElementById(list).appendChild(e)}
(async()=>{
 try{const h=await get('/health');document.getElementById('health').textContent=h.status+' · '+h.store}catch(e){}
 for(const c of await get('/api/v1/councils'))li('councils',c.name+' ('+c.kind+(c.parent?', in '+c.parent:'')+')')
 for(const d of await get('/api/v1/decisions'))li('decisions',d.title+' — '+d.method+(d.open?' · open':' · closed'))
 for(const p of await get('/api/v1/plans'))li('plans',p.id)
})()
</script></body></html>
"""#
}
