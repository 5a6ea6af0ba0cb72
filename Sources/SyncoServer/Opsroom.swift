/// The opsroom page served at `/`: one self-contained HTML page (plain HTML, CSS, vanilla JS and
/// SVG; no build toolchain, no external resources) that reads the API: plan overview (fulfilment λ,
/// certificate, fulfilment per need category, resource and ecological budgets as SVG bars), the
/// alert board by level with acknowledge/resolve, decisions and tallies, the opinion map, forecast
/// charts, and a what-if form. English and German (navigator.language, `?lang=de|en` overrides).
/// Checked in a headless browser by scripts/opsroom_check.py; see docs/opsroom.md.
enum Opsroom {
    static let page = ##"""
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="dark">
<title>Synco opsroom</title>
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Ccircle cx='8' cy='8' r='7' fill='%238fd3ff'/%3E%3C/svg%3E">
<style>
:root{--bg:#101418;--panel:#18202a;--panel2:#1f2a36;--line:#2c3a48;--fg:#e8eef2;--muted:#a9b6c1;--accent:#8fd3ff;--ok:#5fd38d;--warn:#f2c14e;--bad:#ff7b7b;--eco:#7bd88f}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:var(--bg);color:var(--fg);line-height:1.45;font-size:1rem}
a{color:var(--accent)}
.skip{position:absolute;left:-999px;top:0;background:var(--accent);color:#000;padding:.5rem 1rem;z-index:10;border-radius:0 0 .4rem 0}
.skip:focus{left:0}
:focus-visible{outline:3px solid var(--warn);outline-offset:2px}
header{padding:.75rem 1rem;background:#1b2530;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between;border-bottom:1px solid var(--line)}
h1{margin:0;font-size:1.35rem}
.hdr-right{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
nav ul{list-style:none;margin:0;padding:.4rem 1rem;display:flex;flex-wrap:wrap;gap:.25rem .9rem;background:#151c24;border-bottom:1px solid var(--line)}
nav a{display:inline-block;padding:.3rem 0}
main{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,26rem),1fr));gap:1rem;padding:1rem;max-width:90rem;margin:0 auto}
section{background:var(--panel);border-radius:.5rem;padding:1rem;min-width:0;border:1px solid var(--line)}
section.wide{grid-column:1/-1}
h2{font-size:1.15rem;margin:0 0 .75rem}
h3{font-size:1rem;margin:1rem 0 .5rem;color:var(--muted)}
h4{font-size:.95rem;margin:.25rem 0}
.muted{color:var(--muted)}
.small{font-size:.875rem}
button{font:inherit;background:#2a3a4c;color:var(--fg);border:1px solid #46617c;border-radius:.35rem;padding:.4rem .8rem;cursor:pointer;min-height:2.25rem}
button:hover{background:#34495f}
button[aria-pressed="true"]{background:var(--accent);color:#04121c;border-color:var(--accent)}
button:disabled{opacity:.5;cursor:not-allowed}
input[type=checkbox]{width:1.25rem;height:1.25rem;min-height:0;margin:0;accent-color:var(--accent)}
label.check{display:flex;gap:.5rem;align-items:center;margin:.25rem 0 .5rem}
input,select{font:inherit;background:#0c1116;color:var(--fg);border:1px solid #46617c;border-radius:.35rem;padding:.35rem .5rem;min-height:2.25rem;max-width:100%}
label{display:block;margin:.35rem 0 .15rem}
.row{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end}
.row label{margin:0}
.row>div{min-width:0;max-width:100%}
select{width:auto;max-width:100%;text-overflow:ellipsis}
#status{min-height:1.4em;margin:0;padding:.35rem 1rem;font-size:.9rem;background:#121a22;border-bottom:1px solid var(--line)}
.badge{display:inline-block;border-radius:1rem;padding:0 .6rem;font-size:.85rem;font-weight:600;border:1px solid currentColor}
.b-ok{color:var(--ok)}.b-warn{color:var(--warn)}.b-bad{color:var(--bad)}.b-info{color:var(--accent)}
.kpis{display:flex;flex-wrap:wrap;gap:1rem;align-items:baseline}
.kpi{font-size:2rem;font-weight:700}
dl.grid{display:grid;grid-template-columns:auto 1fr;gap:.15rem .75rem;margin:.5rem 0}
dl.grid dt{color:var(--muted)}dl.grid dd{margin:0;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}
ul.bars{list-style:none;margin:0;padding:0}
ul.bars li{margin:.45rem 0}
.bar-label{display:flex;flex-wrap:wrap;justify-content:space-between;gap:0 .75rem;font-size:.92rem}
.bar-label .v{font-variant-numeric:tabular-nums;color:var(--muted)}
svg.bar{display:block;width:100%;height:14px;margin-top:.15rem}
.sub{font-size:.82rem;color:var(--muted)}
.cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,16rem),1fr));gap:.75rem}
.col{background:var(--panel2);border-radius:.4rem;padding:.6rem;min-width:0}
.card{background:#141b23;border:1px solid var(--line);border-left:4px solid var(--warn);border-radius:.35rem;padding:.6rem;margin:.5rem 0;overflow-wrap:anywhere}
.card.st-acknowledged{border-left-color:var(--accent)}.card.st-closed{border-left-color:var(--ok);opacity:.8}
.card p{margin:.25rem 0}
.chain{list-style:none;padding:0;margin:.25rem 0;display:flex;flex-wrap:wrap;gap:.25rem;font-size:.85rem}
.chain li{padding:0 .4rem;border-radius:.3rem;background:#223040}
.chain li[aria-current="step"]{background:var(--warn);color:#1b1400;font-weight:600}
details{margin:.35rem 0}
summary{cursor:pointer;color:var(--accent);min-height:1.8rem;padding:.15rem 0}
.tbl{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-size:.9rem;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid var(--line);padding:.25rem .5rem;text-align:left;vertical-align:top}
td.n,th.n{text-align:right}
.up{color:var(--ok)}.down{color:var(--bad)}
figure{margin:.5rem 0 1rem;min-width:0}
figure img{display:block;width:100%;height:auto;border-radius:.35rem;background:#18202a}
figcaption{font-size:.88rem;color:var(--muted);margin-top:.3rem}
.legend{display:flex;flex-wrap:wrap;gap:.25rem 1rem;font-size:.85rem;list-style:none;padding:0;margin:.25rem 0}
.legend svg{vertical-align:middle;margin-right:.25rem}
svg.opinion-map{display:block;width:100%;max-width:28rem;height:auto;background:#141b23;border-radius:.35rem}
.fs{border:1px solid var(--line);border-radius:.4rem;padding:.5rem .75rem;margin:.5rem 0}
.fs legend{padding:0 .25rem;color:var(--muted)}
.fields{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,12rem),1fr));gap:.25rem .75rem}
.fields input{width:100%}
.err{color:var(--bad)}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:480px){main{padding:.5rem;gap:.5rem}section{padding:.75rem}.kpi{font-size:1.6rem}h1{font-size:1.15rem}}
@media (prefers-reduced-motion:no-preference){html{scroll-behavior:smooth}}
</style></head>
<body>
<a class="skip" href="#main" data-i18n="skip">Skip to content</a>
<header>
 <div><h1 data-i18n="title">Synco opsroom</h1><span class="muted small" id="health">…</span></div>
 <div class="hdr-right">
  <div role="group" aria-labelledby="langlbl" class="row"><span id="langlbl" class="muted small" data-i18n="language">Language</span>
   <button type="button" id="lang-en" lang="en" data-lang="en">English</button><button type="button" id="lang-de" lang="de" data-lang="de">Deutsch</button></div>
  <button type="button" id="reload" data-i18n="reload">Reload</button>
 </div>
</header>
<nav aria-label="Sections" id="nav"><ul>
 <li><a href="#plan" data-i18n="navPlan">Plan</a></li><li><a href="#alerts" data-i18n="navAlerts">Alerts</a></li>
 <li><a href="#decisions" data-i18n="navDecisions">Decisions</a></li><li><a href="#opinion" data-i18n="navOpinion">Opinion map</a></li>
 <li><a href="#forecasts" data-i18n="navForecasts">Forecasts</a></li><li><a href="#whatif" data-i18n="navWhatif">What-if</a></li><li><a href="#proposals" data-i18n="navProposals">Proposals</a></li>
 <li><a href="#access" data-i18n="navAccess">Access</a></li></ul></nav>
<p id="status" role="status" aria-live="polite"></p>
<main id="main" tabindex="-1">
<section id="plan" class="wide" aria-labelledby="plan-h"><h2 id="plan-h" data-i18n="planH">Plan overview</h2><div id="plan-body"></div></section>
<section id="alerts" class="wide" aria-labelledby="alerts-h"><h2 id="alerts-h" data-i18n="alertsH">Alert board</h2>
 <label class="check"><input type="checkbox" id="show-closed"><span data-i18n="showClosed">Show closed alerts</span></label>
 <div id="alerts-body" class="cols"></div></section>
<section id="decisions" aria-labelledby="dec-h"><h2 id="dec-h" data-i18n="decH">Decisions</h2><div id="dec-body"></div></section>
<section id="opinion" aria-labelledby="op-h"><h2 id="op-h" data-i18n="opH">Opinion map</h2>
 <label for="op-council" data-i18n="council">Council</label><select id="op-council"></select>
 <div id="op-body"></div></section>
<section id="forecasts" class="wide" aria-labelledby="fc-h"><h2 id="fc-h" data-i18n="fcH">Forecasts</h2>
 <ul class="legend" id="fc-legend"></ul><div id="fc-body" class="cols"></div></section>
<section id="whatif" aria-labelledby="wi-h"><h2 id="wi-h" data-i18n="wiH">What-if</h2>
 <p class="muted small" data-i18n="wiIntro"></p>
 <form id="wi-form" novalidate><div id="wi-fields"></div>
  <div class="row"><button type="submit" data-i18n="wiRun">Compute</button><button type="reset" data-i18n="wiReset">Reset</button></div></form>
 <div id="wi-result" aria-live="polite"></div></section>
<section id="proposals" aria-labelledby="pr-h"><h2 id="pr-h" data-i18n="prH">Replanning proposals</h2>
 <p class="muted small" data-i18n="prIntro"></p><div id="pr-body" aria-live="polite"></div></section>
<section id="access" aria-labelledby="acc-h"><h2 id="acc-h" data-i18n="accH">Access</h2>
 <p class="muted small" data-i18n="accIntro"></p>
 <form id="tok-form"><label for="token" data-i18n="tokenLabel">Token</label>
  <div class="row"><input id="token" type="password" autocomplete="off" spellcheck="false" size="28">
  <button type="submit" data-i18n="save">Save</button><button type="button" id="tok-forget" data-i18n="forget">Forget</button></div></form>
 <p id="tok-state" class="small muted"></p></section>
</main>
<script>
"use strict";
const I18N={
en:{title:"Synco opsroom",skip:"Skip to content",language:"Language",reload:"Reload",navLabel:"Sections",
navPlan:"Plan",navAlerts:"Alerts",navDecisions:"Decisions",navOpinion:"Opinion map",navForecasts:"Forecasts",navWhatif:"What-if",navAccess:"Access",
loading:"Loading…",updated:"Updated {time}.",health:"Server {status} · {store}",healthDown:"Server not reachable",loadFailed:"Could not load {what}: {err}",
planH:"Plan overview",planPick:"Plan",noPlan:"No plan yet.",status:"Status",st_optimal:"optimal",st_infeasible:"infeasible",st_unbounded:"unbounded","st_iteration-limit":"iteration limit",
lambda:"Fulfilment λ",planMsgOptimal:"optimal: relative residuals and gap within the tolerance",planMsgOther:"{status}: residuals and gap in the certificate",lambdaHelp:"Needs that are not guaranteed are met {x}-fold; guaranteed needs are met in full.",
cert:"Certificate",primal:"Primal residual",dual:"Dual residual",gap:"Duality gap",bound:"Max. bound violation",dualBound:"Dual bound",iters:"Iterations",secs:"Solve time",secsV:"{s} s",madeAt:"Planned",
needsH:"Fulfilment per need category",needsHelp:"Net output against needs; the bar shows the least-served product of the category, the line marks 100 %.",
cat_food:"Food",cat_energy:"Energy",cat_housing:"Housing",cat_care:"Care",cat_transport:"Transport",cat_other:"Other",
ofNeed:"{pct} of need",guaranteed:"guaranteed",noNeeds:"No needs declared.",
resH:"Resources",ecoH:"Ecological budgets",usedOf:"{use} of {limit} {unit} ({pct})",atLimit:"at the limit",overLimit:"over the limit",
valH:"Valuations in {numeraire}",product:"Product",resource:"Resource",value:"Value",provH:"Provenance",source:"Source",
actH:"Activities",technique:"Technique",level:"Level",barLabel:"{name}: {pct}",
alertsH:"Alert board",lvl_unit:"Units",lvl_federation:"Federations",lvl_whole:"Whole",noAlerts:"No alerts.",showClosed:"Show closed alerts",
as_open:"open",as_acknowledged:"acknowledged",as_closed:"closed",kind_outlier:"outlier",kind_change:"change","kind_forecast-outside-plan":"forecast outside plan",
period:"period {p}",prob:"p = {p}",chg_level:"level change",chg_slope:"slope change",side_below:"below",side_above:"above",
msg_change:"{change} in {ind} of {unit} at period {p} (p = {prob})",msg_outlier:"outlier in {ind} of {unit} at period {p} (p = {prob})",
msg_forecast:"{ind} of {unit}: forecast {f} for period {p}, {side} the plan {target} ± {tol} (p outside = {prob})",escalation:"Escalation path",unresolvedTop:"unresolved at the top",history:"History",
ev_raised:"raised at {council}",ev_escalated:"escalated from {from} to {to} ({reason})",ev_acknowledged:"acknowledged by {by} ({council})",ev_resolved:"resolved by {by} ({council}): {note}",ev_unresolved_at_top:"unresolved at the top ({council}, {reason})",ev_closed:"closed",
ack:"Acknowledge",resolveSum:"Resolve…",resolve:"Resolve",note:"Note",needToken:"Enter a member token under Access first.",acked:"Alert acknowledged.",resolvedOk:"Alert resolved.",actFailed:"Action failed: {err}",
decH:"Decisions",openH:"Open",closedH:"Closed",m_ranked:"ranked",m_graded:"graded",m_approval:"approval",m_number:"number",m_shares:"shares",
council:"Council",method:"Method",options:"Options",range:"Range {lo} – {hi}",votingOpen:"Voting is open; the tally is shown when it closes.",ballots:"{n} ballots",
winners:"Winner",result:"Result",order:"Order",scores:"Scores",shares:"Shares",pairwise:"Pairwise preferences",pairwiseHelp:"Ballots preferring the row over the column.",
eff_resource_limit:"Sets the limit of {resource}.",eff_guarantee_needs:"Guarantees the first {count} of the ranking.",eff_need_amounts:"Sets need amounts.",eff_none:"",
noOpen:"No open decisions.",noClosed:"No closed decisions.",noTally:"No tally.",
opH:"Opinion map",noStatements:"No statements yet.",group:"Group {n}",silhouette:"Silhouette {s}",consensus:"Consensus",lowEng:"Few votes so far",suspicious:"Suspicious voting blocks",
mapLabel:"Opinion map of {council}: {n} members in {k} groups",agreement:"{pct} agreement",score:"score {s}",members:"{n} members",
fcH:"Forecasts",noSeries:"No reported series yet.",chartAlt:"Chart of {indicator} at {council}: actual values, forecast with interval, change points, outliers and plan band.",
lg_actual:"actual",lg_forecast:"forecast and interval",lg_change:"change point",lg_outlier:"outlier",lg_plan:"plan ± tolerance",
lastValue:"Last value {v} (period {p})",planTarget:"Plan {t} ± {tol}",noPlanBand:"No plan band.",events:"Detected events",openSvg:"Open chart {name} (SVG)",
wiH:"What-if",wiIntro:"Change limits, needs or capacities and compare a fresh plan with the latest one. Nothing is stored. Needs a token (Access).",
wiLimits:"Resource limits",wiNeeds:"Needs (total per product)",wiCaps:"Capacities",wiRun:"Compute",wiReset:"Reset",wiNothing:"Change at least one value.",
wiNeedToken:"Enter a token under Access first.",wiRunning:"Computing the what-if…",wiNA:"What-if not available on this server.",wiDone:"What-if computed.",wiFailed:"What-if failed: {err}",wiInvalid:"Not a number ≥ 0: {field}",
before:"Before",after:"After",change:"Change",changesH:"Largest activity changes",noChanges:"No activity changes.",current:"now {v}",
prH:"Replanning proposals",navProposals:"Proposals",prIntro:"An alert on a unit's output proposes a plan with that unit's capacity at what it delivers now. Old and new plan side by side; a facilitator of the council (or above) accepts.",prNone:"No proposals.",prAccept:"Accept for the council",prAccepted:"Proposal accepted; the new plan is made.",prStatus_pending:"pending",prStatus_accepted:"accepted",prReason:"Why",
accH:"Access",accIntro:"A member token lets you acknowledge and resolve alerts of your councils; any token can run a what-if. It is stored only in this browser (localStorage).",
tokenLabel:"Token (member or admin)",save:"Save",forget:"Forget",tokenSaved:"Token saved in this browser.",tokenForgot:"Token removed.",tokenNone:"No token stored: read only.",tokenSet:"A token is stored in this browser.",
err401:"token missing or not valid",err403:"not allowed with this token",err404:"not found",errNet:"network error"},
de:{title:"Synco-Opsroom",skip:"Zum Inhalt springen",language:"Sprache",reload:"Neu laden",navLabel:"Bereiche",
navPlan:"Plan",navAlerts:"Warnungen",navDecisions:"Entscheidungen",navOpinion:"Meinungskarte",navForecasts:"Prognosen",navWhatif:"Was-wäre-wenn",navAccess:"Zugang",
loading:"Wird geladen …",updated:"Aktualisiert {time}.",health:"Server {status} · {store}",healthDown:"Server nicht erreichbar",loadFailed:"Konnte {what} nicht laden: {err}",
planH:"Planübersicht",planPick:"Plan",noPlan:"Noch kein Plan.",status:"Status",st_optimal:"optimal",st_infeasible:"unlösbar",st_unbounded:"unbeschränkt","st_iteration-limit":"Iterationsgrenze",
lambda:"Erfüllung λ",planMsgOptimal:"optimal: relative Residuen und Dualitätslücke innerhalb der Toleranz",planMsgOther:"{status}: Residuen und Lücke im Zertifikat",lambdaHelp:"Nicht garantierte Bedarfe werden {x}-fach gedeckt, garantierte vollständig.",
cert:"Zertifikat",primal:"Primales Residuum",dual:"Duales Residuum",gap:"Dualitätslücke",bound:"Max. Schrankenverletzung",dualBound:"Duale Schranke",iters:"Iterationen",secs:"Rechenzeit",secsV:"{s} s",madeAt:"Geplant",
needsH:"Erfüllung je Bedarfskategorie",needsHelp:"Nettoproduktion gegenüber Bedarf; der Balken zeigt das am wenigsten gedeckte Produkt der Kategorie, die Linie markiert 100 %.",
cat_food:"Ernährung",cat_energy:"Energie",cat_housing:"Wohnen",cat_care:"Sorgearbeit",cat_transport:"Verkehr",cat_other:"Sonstiges",
ofNeed:"{pct} des Bedarfs",guaranteed:"garantiert",noNeeds:"Keine Bedarfe angemeldet.",
resH:"Ressourcen",ecoH:"Ökologische Budgets",usedOf:"{use} von {limit} {unit} ({pct})",atLimit:"an der Grenze",overLimit:"über der Grenze",
valH:"Bewertungen in {numeraire}",product:"Produkt",resource:"Ressource",value:"Wert",provH:"Herkunft",source:"Quelle",
actH:"Aktivitäten",technique:"Verfahren",level:"Niveau",barLabel:"{name}: {pct}",
alertsH:"Warnungstafel",lvl_unit:"Einheiten",lvl_federation:"Föderationen",lvl_whole:"Gesamtheit",noAlerts:"Keine Warnungen.",showClosed:"Geschlossene Warnungen zeigen",
as_open:"offen",as_acknowledged:"bestätigt",as_closed:"geschlossen",kind_outlier:"Ausreißer",kind_change:"Strukturbruch","kind_forecast-outside-plan":"Prognose außerhalb des Plans",
period:"Periode {p}",prob:"p = {p}",chg_level:"Niveauänderung",chg_slope:"Steigungsänderung",side_below:"unter",side_above:"über",
msg_change:"{change} bei {ind} von {unit} in Periode {p} (p = {prob})",msg_outlier:"Ausreißer bei {ind} von {unit} in Periode {p} (p = {prob})",
msg_forecast:"{ind} von {unit}: Prognose {f} für Periode {p}, {side} dem Plan {target} ± {tol} (p außerhalb = {prob})",escalation:"Eskalationsweg",unresolvedTop:"an der Spitze ungelöst",history:"Verlauf",
ev_raised:"ausgelöst bei {council}",ev_escalated:"eskaliert von {from} an {to} ({reason})",ev_acknowledged:"bestätigt von {by} ({council})",ev_resolved:"erledigt von {by} ({council}): {note}",ev_unresolved_at_top:"an der Spitze ungelöst ({council}, {reason})",ev_closed:"geschlossen",
ack:"Bestätigen",resolveSum:"Erledigen …",resolve:"Erledigen",note:"Notiz",needToken:"Bitte zuerst unter Zugang ein Mitglieds-Token eingeben.",acked:"Warnung bestätigt.",resolvedOk:"Warnung erledigt.",actFailed:"Aktion fehlgeschlagen: {err}",
decH:"Entscheidungen",openH:"Offen",closedH:"Abgeschlossen",m_ranked:"Rangfolge",m_graded:"Benotung",m_approval:"Zustimmungswahl",m_number:"Zahl",m_shares:"Anteile",
council:"Rat",method:"Verfahren",options:"Optionen",range:"Bereich {lo} – {hi}",votingOpen:"Die Abstimmung läuft; das Ergebnis erscheint nach dem Schluss.",ballots:"{n} Stimmzettel",
winners:"Ergebnis",result:"Ergebnis",order:"Reihenfolge",scores:"Punkte",shares:"Anteile",pairwise:"Paarweise Präferenzen",pairwiseHelp:"Stimmzettel, die die Zeile der Spalte vorziehen.",
eff_resource_limit:"Legt die Grenze für {resource} fest.",eff_guarantee_needs:"Garantiert die ersten {count} der Rangfolge.",eff_need_amounts:"Legt Bedarfsmengen fest.",eff_none:"",
noOpen:"Keine offenen Entscheidungen.",noClosed:"Keine abgeschlossenen Entscheidungen.",noTally:"Kein Ergebnis.",
opH:"Meinungskarte",noStatements:"Noch keine Aussagen.",group:"Gruppe {n}",silhouette:"Silhouette {s}",consensus:"Konsens",lowEng:"Bisher wenige Stimmen",suspicious:"Auffällige Abstimmungsblöcke",
mapLabel:"Meinungskarte von {council}: {n} Mitglieder in {k} Gruppen",agreement:"{pct} Zustimmung",score:"Wert {s}",members:"{n} Mitglieder",
fcH:"Prognosen",noSeries:"Noch keine gemeldeten Reihen.",chartAlt:"Diagramm von {indicator} bei {council}: Istwerte, Prognose mit Intervall, Strukturbrüche, Ausreißer und Planband.",
lg_actual:"Istwerte",lg_forecast:"Prognose und Intervall",lg_change:"Strukturbruch",lg_outlier:"Ausreißer",lg_plan:"Plan ± Toleranz",
lastValue:"Letzter Wert {v} (Periode {p})",planTarget:"Plan {t} ± {tol}",noPlanBand:"Kein Planband.",events:"Erkannte Ereignisse",openSvg:"Diagramm {name} öffnen (SVG)",
wiH:"Was-wäre-wenn",wiIntro:"Grenzen, Bedarfe oder Kapazitäten ändern und einen neuen Plan mit dem letzten vergleichen. Nichts wird gespeichert. Braucht ein Token (Zugang).",
wiLimits:"Ressourcengrenzen",wiNeeds:"Bedarfe (Summe je Produkt)",wiCaps:"Kapazitäten",wiRun:"Berechnen",wiReset:"Zurücksetzen",wiNothing:"Bitte mindestens einen Wert ändern.",
wiNeedToken:"Bitte zuerst unter Zugang ein Token eingeben.",wiRunning:"Was-wäre-wenn wird berechnet …",wiNA:"Was-wäre-wenn ist auf diesem Server nicht verfügbar.",wiDone:"Was-wäre-wenn berechnet.",wiFailed:"Was-wäre-wenn fehlgeschlagen: {err}",wiInvalid:"Keine Zahl ≥ 0: {field}",
before:"Vorher",after:"Nachher",change:"Änderung",changesH:"Größte Änderungen der Aktivitäten",noChanges:"Keine Änderungen der Aktivitäten.",current:"jetzt {v}",
prH:"Neuplanungs-Vorschläge",navProposals:"Vorschläge",prIntro:"Eine Warnung zum Output einer Einheit schlägt einen Plan vor, in dem ihre Kapazität bei dem liegt, was sie jetzt liefert. Alter und neuer Plan nebeneinander; eine Moderation des Rats (oder darüber) nimmt an.",prNone:"Keine Vorschläge.",prAccept:"Für den Rat annehmen",prAccepted:"Vorschlag angenommen; der neue Plan ist erstellt.",prStatus_pending:"offen",prStatus_accepted:"angenommen",prReason:"Warum",
accH:"Zugang",accIntro:"Mit einem Mitglieds-Token lassen sich Warnungen der eigenen Räte bestätigen und erledigen; jedes Token kann Was-wäre-wenn rechnen. Es wird nur in diesem Browser gespeichert (localStorage).",
tokenLabel:"Token (Mitglied oder Admin)",save:"Speichern",forget:"Vergessen",tokenSaved:"Token in diesem Browser gespeichert.",tokenForgot:"Token entfernt.",tokenNone:"Kein Token gespeichert: nur lesen.",tokenSet:"Ein Token ist in diesem Browser gespeichert.",
err401:"Token fehlt oder ist ungültig",err403:"mit diesem Token nicht erlaubt",err404:"nicht gefunden",errNet:"Netzwerkfehler"}};

const $=id=>document.getElementById(id);
const params=new URLSearchParams(location.search);
let lang=(params.get("lang")||"").toLowerCase();
if(!I18N[lang])lang=((navigator.language||"en").toLowerCase().startsWith("de"))?"de":"en";
function t(k,p){let s=I18N[lang][k];if(s===undefined)s=I18N.en[k];if(s===undefined)s=k;
 return p?s.replace(/\{(\w+)\}/g,(m,n)=>p[n]===undefined?m:String(p[n])):s}
function tr(prefix,v){const k=prefix+v;return (I18N[lang][k]!==undefined||I18N.en[k]!==undefined)?t(k):String(v)}
function num(x,d){if(x===null||x===undefined||!isFinite(x))return "–";const a=Math.abs(x);
 const f=d!==undefined?d:(a>=1000?0:a>=100?1:a>=1?2:3);return new Intl.NumberFormat(lang,{maximumFractionDigits:f,minimumFractionDigits:0}).format(x)}
function pct(x){return x===null||!isFinite(x)?"–":new Intl.NumberFormat(lang,{style:"percent",maximumFractionDigits:0}).format(x)}
function sci(x){return x===null||x===undefined||!isFinite(x)?"–":(x===0?"0":x.toExponential(2).replace(".",lang==="de"?",":"."))}
function when(s){return new Date(s*1000).toLocaleString(lang,{dateStyle:"medium",timeStyle:"short"})}
function h(tag,attrs,...kids){const e=document.createElement(tag);for(const[k,v]of Object.entries(attrs||{})){if(v===null||v===undefined||v===false)continue;
 if(k==="text")e.textContent=v;else if(k.startsWith("on"))e.addEventListener(k.slice(2),v);else e.setAttribute(k,v===true?"":v)}
 for(const c of kids.flat(Infinity)){if(c===null||c===undefined||c===false)continue;e.append(c instanceof Node?c:document.createTextNode(String(c)))}return e}
const NS="http://www.w3.org/2000/svg";
function s(tag,attrs,...kids){const e=document.createElementNS(NS,tag);for(const[k,v]of Object.entries(attrs||{}))if(v!==null&&v!==undefined)e.setAttribute(k,v);
 for(const c of kids.flat(Infinity)){if(c===null||c===undefined)continue;e.append(c instanceof Node?c:document.createTextNode(String(c)))}return e}
function say(msg,err){const st=$("status");st.textContent=msg;st.className=err?"err":""}
function seg(x){return encodeURIComponent(x).replace(/%3A/gi,":")}

class HTTPError extends Error{constructor(status,msg){super(msg);this.status=status}}
function errText(e){if(e instanceof HTTPError){const k={401:"err401",403:"err403",404:"err404"}[e.status];return (k?t(k)+" — ":"")+e.message}return t("errNet")+" — "+(e&&e.message||e)}
async function api(method,url,body,auth){const o={method,headers:{}};if(body!==undefined){o.headers["Content-Type"]="application/json";o.body=JSON.stringify(body)}
 if(auth){const tk=token();if(tk)o.headers.Authorization="Bearer "+tk}
 let r;try{r=await fetch(url,o)}catch(e){throw new Error(String(e&&e.message||e))}
 const txt=await r.text();let j=null;try{j=txt?JSON.parse(txt):null}catch(e){j=null}
 if(!r.ok)throw new HTTPError(r.status,(j&&j.error&&j.error.message)||(r.status+" "+r.statusText));return j}
const get=u=>api("GET",u);
function token(){try{return localStorage.getItem("synco.token")||""}catch(e){return ""}}

const S={councils:[],decisions:[],tallies:{},plans:[],planId:null,plan:null,economy:null,alerts:[],series:{},chartEvents:{},opinion:{},opCouncil:null,whatif:null,errors:{}};
const cname=id=>{const c=S.councils.find(c=>c.id===id);return c?c.name:id};
const rname=id=>{const E=S.economy&&S.economy.economy;const r=E&&E.resources.find(r=>r.id===id);return r?r.name:id};
const pname=id=>{const E=S.economy&&S.economy.economy;const r=E&&E.products.find(r=>r.id===id);return r?r.name:id};
const ckind=id=>{const c=S.councils.find(c=>c.id===id);return c?c.kind:""};

/* ---------- static text ---------- */
function applyStatic(){document.documentElement.lang=lang;document.title=t("title");
 for(const e of document.querySelectorAll("[data-i18n]"))e.textContent=t(e.dataset.i18n);
 $("nav").setAttribute("aria-label",t("navLabel"));
 for(const b of document.querySelectorAll("[data-lang]"))b.setAttribute("aria-pressed",String(b.dataset.lang===lang));
 $("tok-state").textContent=token()?t("tokenSet"):t("tokenNone");
 const lg=$("fc-legend");lg.replaceChildren(...[["lg_actual","line","#f2c14e"],["lg_forecast","dash","#8fd3ff"],["lg_change","vline","#ff6b6b"],["lg_outlier","circle","#ff6b6b"],["lg_plan","band","#2f6f4f"]].map(([k,shape,c])=>{
  const g=s("svg",{width:22,height:12,viewBox:"0 0 22 12","aria-hidden":"true"},
   shape==="line"?s("line",{x1:1,x2:21,y1:6,y2:6,stroke:c,"stroke-width":2}):shape==="dash"?[s("rect",{x:0,y:2,width:22,height:8,fill:c,opacity:.25}),s("line",{x1:1,x2:21,y1:6,y2:6,stroke:c,"stroke-width":2,"stroke-dasharray":"4 3"})]:
   shape==="vline"?s("line",{x1:11,x2:11,y1:0,y2:12,stroke:c,"stroke-width":2}):shape==="circle"?s("circle",{cx:11,cy:6,r:4.5,fill:"none",stroke:c,"stroke-width":2}):s("rect",{x:0,y:1,width:22,height:10,fill:c,opacity:.8}));
  return h("li",null,g,t(k))}));
}

/* ---------- plan ---------- */
function barSVG(frac,scale,marker,color,label){const w=Math.max(0,Math.min(1,frac/scale))*100;
 return s("svg",{class:"bar",viewBox:"0 0 100 10",preserveAspectRatio:"none",role:"img","aria-label":label},
  s("rect",{x:0,y:0,width:100,height:10,fill:"#0c1116",rx:1.5}),s("rect",{x:0,y:1,width:w.toFixed(2),height:8,fill:color,rx:1}),
  marker?s("line",{x1:(100*marker/scale).toFixed(2),x2:(100*marker/scale).toFixed(2),y1:0,y2:10,stroke:"#e8eef2","stroke-width":.6,"vector-effect":"non-scaling-stroke"}):null)}
function bars(rows){return h("ul",{class:"bars"},rows.map(r=>h("li",null,h("div",{class:"bar-label"},h("span",null,r.name),h("span",{class:"v"},r.value)),
 barSVG(r.frac,r.scale,r.marker,r.color,t("barLabel",{name:r.name,pct:r.value})),r.sub?h("div",{class:"sub"},r.sub):null)))}
function renderPlan(){const body=$("plan-body");body.replaceChildren();
 if(S.errors.plan){body.append(h("p",{class:"err"},S.errors.plan));return}
 if(!S.plans.length||!S.plan){body.append(h("p",{class:"muted"},t("noPlan")));return}
 const P=S.plan.plan,E=S.economy&&S.economy.economy;
 const sel=h("select",{id:"plan-pick",onchange:e=>loadPlan(e.target.value)},S.plans.slice().reverse().map(p=>h("option",{value:p.id,selected:p.id===S.planId,title:p.id},when(p.time)+" · "+p.id.slice(0,8))));
 const meta=S.plans.find(p=>p.id===S.planId);
 const stc=P.status==="optimal"?"b-ok":"b-bad";
 body.append(h("div",{class:"row"},h("div",null,h("label",{for:"plan-pick"},t("planPick")),sel)),
  h("div",{class:"kpis"},h("div",null,h("div",{class:"muted small"},t("lambda")),h("div",{class:"kpi"},num(P.fulfilment,3))),
   h("div",null,h("div",{class:"muted small"},t("status")),h("span",{class:"badge "+stc},tr("st_",P.status))),
   meta?h("div",null,h("div",{class:"muted small"},t("madeAt")),h("div",null,when(meta.time))):null),
  h("p",{class:"small muted"},t("lambdaHelp",{x:num(P.fulfilment,3)})+(P.message?" ("+planMsg(P)+")":"")));
 const grid=h("div",{class:"cols"});body.append(grid);
 // needs per category
 const needCol=h("div",{class:"col"},h("h3",null,t("needsH")));
 if(E&&E.needs&&E.needs.length){const prod={};for(const p of E.products)prod[p.id]=p;
  const need={},guar={};for(const n of E.needs){need[n.product]=(need[n.product]||0)+n.amount;if(n.guaranteed)guar[n.product]=true}
  const cats={};for(const id of Object.keys(need)){const c=(prod[id]&&prod[id].category)||"other";(cats[c]=cats[c]||[]).push(id)}
  const rows=Object.keys(cats).sort().map(c=>{const items=cats[c].map(id=>({id,r:need[id]>0?((P.net_output||{})[id]||0)/need[id]:null}));
   const rs=items.map(i=>i.r).filter(r=>r!==null);const mn=rs.length?Math.min(...rs):0;
   return{name:tr("cat_",c),frac:mn,scale:Math.max(2,Math.ceil(Math.max(...rs,1)*2)/2),marker:1,color:mn>=0.999?"#5fd38d":"#f2c14e",value:t("ofNeed",{pct:pct(mn)}),
    sub:items.map(i=>(prod[i.id]?prod[i.id].name:i.id)+" "+pct(i.r)+" ("+num((P.net_output||{})[i.id])+" / "+num(need[i.id])+" "+(prod[i.id]?prod[i.id].unit:"")+(guar[i.id]?", "+t("guaranteed"):"")+")").join(" · ")}});
  needCol.append(h("p",{class:"sub"},t("needsHelp")),bars(rows))}else needCol.append(h("p",{class:"muted"},t("noNeeds")));
 grid.append(needCol);
 // resources and ecological budgets
 const ru=P.resource_use||{};const rinfo={};if(E)for(const r of E.resources)rinfo[r.id]=r;
 const mk=id=>{const u=ru[id],r=rinfo[id]||{},fr=u.limit>0?u.use/u.limit:0;return{name:r.name||id,frac:fr,scale:Math.max(1,fr),marker:1,
  color:fr>1.000001?"#ff7b7b":fr>0.999?"#f2c14e":(r.kind==="emission"||r.kind==="natural"?"#7bd88f":"#8fd3ff"),
  value:t("usedOf",{use:num(u.use),limit:num(u.limit),unit:r.unit||"",pct:pct(fr)}),sub:fr>1.000001?t("overLimit"):fr>0.999?t("atLimit"):null}};
 const eco=Object.keys(ru).filter(id=>rinfo[id]&&(rinfo[id].kind==="emission"||rinfo[id].kind==="natural"));
 const other=Object.keys(ru).filter(id=>!eco.includes(id));
 grid.append(h("div",{class:"col"},h("h3",null,t("resH")),bars(other.map(mk)),h("h3",null,t("ecoH")),bars(eco.map(mk))));
 // certificate
 const c=P.certificate||{};
 grid.append(h("div",{class:"col"},h("h3",null,t("cert")),h("dl",{class:"grid"},
  [["primal",sci(c.primal_residual)],["dual",sci(c.dual_residual)],["gap",sci(c.gap)],["bound",sci(c.max_bound_violation)],["dualBound",num(c.dual_bound,4)],["iters",num(P.iterations,0)],["secs",t("secsV",{s:num(P.seconds,3)})]]
   .map(([k,v])=>[h("dt",null,t(k)),h("dd",null,v)])),
  details(t("actH"),table([t("technique"),t("level")],Object.entries(P.activities||{}).sort((a,b)=>b[1]-a[1]).map(([k,v])=>[k,num(v)]))),
  P.valuations?details(t("valH",{numeraire:rname(P.valuations.numeraire)}),table([t("product"),t("value")],Object.entries(P.valuations.products_in_numeraire||{}).map(([k,v])=>[pname(k),num(v,4)]))):null,
  S.plan.provenance?details(t("provH"),table([t("source"),"hash"],(S.plan.provenance.sources||[]).map(x=>[x.kind+" "+x.id,x.hash.slice(0,12)]))):null));
}
function details(title,...kids){return h("details",null,h("summary",null,title),...kids)}
function table(head,rows,numeric){return h("div",{class:"tbl"},h("table",null,h("thead",null,h("tr",null,head.map((x,i)=>h("th",{scope:"col",class:i>0?"n":null},x)))),
 h("tbody",null,rows.map(r=>h("tr",null,r.map((x,i)=>i===0?h("th",{scope:"row"},x):h("td",{class:"n"},x)))))))}

/* ---------- alerts ---------- */
function levelOf(a){const k=ckind(a.council);if(k==="whole")return"whole";if(k==="federation")return"federation";if(a.chain&&a.chain.length&&a.level>=a.chain.length-1&&a.level>0)return"whole";return"unit"}
function renderAlerts(){const body=$("alerts-body");body.replaceChildren();
 if(S.errors.alerts){body.append(h("p",{class:"err"},S.errors.alerts));return}
 const showClosed=$("show-closed").checked;
 for(const lv of["unit","federation","whole"]){const list=S.alerts.filter(a=>levelOf(a)===lv&&(showClosed||a.status!=="closed"));
  const col=h("div",{class:"col"},h("h3",null,t("lvl_"+lv)+" ("+list.length+")"));
  if(!list.length)col.append(h("p",{class:"muted small"},t("noAlerts")));
  for(const a of list)col.append(alertCard(a));body.append(col)}}
function planMsg(P){if(lang==="en")return P.message;return P.status==="optimal"?t("planMsgOptimal"):t("planMsgOther",{status:tr("st_",P.status)})}
function alertMsg(a){const v={ind:a.indicator,unit:cname(a.unit),p:a.period,prob:num(a.probability,3)};
 if(a.kind==="change")return t("msg_change",Object.assign(v,{change:t("chg_"+(a.change_kind==="slope"?"slope":"level"))}));
 if(a.kind==="outlier")return t("msg_outlier",v);
 if(a.kind==="forecast-outside-plan"&&a.forecast!==undefined)return t("msg_forecast",Object.assign(v,{f:num(a.forecast),target:num(a.plan_target),tol:num(a.plan_tolerance),side:t(a.forecast<a.plan_target?"side_below":"side_above")}));
 return a.message}
function alertCard(e){const a=e.alert,id=a.id,closed=e.status==="closed";
 const note=h("input",{type:"text",id:"note-"+id,maxlength:"500"});
 const stc=e.status==="open"?"b-warn":e.status==="acknowledged"?"b-info":"b-ok";
 const msg=alertMsg(a);
 return h("article",{class:"card st-"+e.status,"aria-label":msg},
  h("h4",null,tr("kind_",a.kind)+" · "+a.indicator),
  h("p",{class:"small"},h("span",{class:"badge "+stc},tr("as_",e.status))," ",cname(a.unit)+" · "+t("period",{p:a.period})+" · "+t("prob",{p:num(a.probability,3)}),
   e.unresolved_at_top?h("span",{class:"badge b-bad"},t("unresolvedTop")):null),
  h("p",{class:"small muted"},msg),
  h("div",{class:"small"},h("span",{class:"sr-only"},t("escalation")+": "),h("ol",{class:"chain","aria-label":t("escalation")},(e.chain||[]).map(c=>h("li",{"aria-current":c===e.council?"step":null},cname(c))))),
  details(t("history"),h("ul",{class:"small"},(e.history||[]).map(ev=>h("li",null,when(ev.at)+": "+t("ev_"+ev.event,Object.assign({council:"",by:"",note:"",from:"",to:"",reason:""},ev,{council:cname(ev.council||""),from:cname(ev.from||""),to:cname(ev.to||"")})))))),
  closed?null:h("div",{class:"row"},e.status==="open"?h("button",{type:"button",onclick:()=>act(id,"acknowledge")},t("ack")):null,
   h("details",null,h("summary",null,t("resolveSum")),h("form",{onsubmit:ev=>{ev.preventDefault();act(id,"resolve",note.value)}},
    h("label",{for:"note-"+id},t("note")),h("div",{class:"row"},note,h("button",{type:"submit"},t("resolve")))))))}
async function act(id,what,note){if(!token()){say(t("needToken"),true);$("token").focus();return}
 try{await api("POST","/api/v1/alerts/"+encodeURIComponent(id)+"/"+what,what==="resolve"?{note:note||""}:{},true);
  say(t(what==="resolve"?"resolvedOk":"acked"));await loadAlerts();renderAlerts()}catch(e){say(t("actFailed",{err:errText(e)}),true)}}

/* ---------- decisions ---------- */
function renderDecisions(){const body=$("dec-body");body.replaceChildren();
 if(S.errors.decisions){body.append(h("p",{class:"err"},S.errors.decisions));return}
 const open=S.decisions.filter(d=>d.open),closed=S.decisions.filter(d=>!d.open);
 body.append(h("h3",null,t("openH")+" ("+open.length+")"));if(!open.length)body.append(h("p",{class:"muted small"},t("noOpen")));
 for(const d of open)body.append(decCard(d,null));
 body.append(h("h3",null,t("closedH")+" ("+closed.length+")"));if(!closed.length)body.append(h("p",{class:"muted small"},t("noClosed")));
 for(const d of closed)body.append(decCard(d,S.tallies[d.id]))}
function decCard(d,ty){const eff=d.effect&&d.effect.kind&&d.effect.kind!=="none"?t("eff_"+d.effect.kind,{resource:rname(d.effect.resource||""),count:d.effect.count||""}):"";
 const opts=d.method==="number"?t("range",{lo:num(d.lower),hi:num(d.upper)}):(d.options||[]).map(pname).join(", ");
 const c=h("article",{class:"card",style:"border-left-color:"+(d.open?"#8fd3ff":"#5fd38d")},h("h4",null,d.title),
  h("p",{class:"small muted"},cname(d.council)+" · "+tr("m_",d.method)+(opts?" · "+opts:"")),eff?h("p",{class:"small"},eff):null);
 if(d.open){c.append(h("p",{class:"small"},t("votingOpen")));return c}
 if(!ty){c.append(h("p",{class:"small muted"},t("noTally")));return c}
 c.append(h("p",{class:"small muted"},t("ballots",{n:ty.ballots})));
 if(ty.method==="number"||ty.number!==undefined&&ty.number!==null)c.append(h("p",null,t("result")+": ",h("strong",null,num(ty.number))));
 if(ty.winners&&ty.winners.length)c.append(h("p",null,t("winners")+": ",h("strong",null,ty.winners.map(pname).join(", "))));
 if(ty.order&&ty.order.length>1)c.append(h("p",{class:"small"},t("order")+": ",h("ol",{class:"chain"},ty.order.map(o=>h("li",null,pname(o))))));
 if(ty.scores&&ty.scores.length&&ty.order)c.append(details(t("scores"),table([t("options"),t("scores")],ty.order.map((o,i)=>[o,String(ty.scores[i])]))));
 if(ty.shares)c.append(details(t("shares"),table([t("options"),t("shares")],Object.entries(ty.shares).map(([k,v])=>[k,num(v)]))));
 if(ty.pairwise&&d.options&&ty.pairwise.length===d.options.length*d.options.length){const n=d.options.length;
  c.append(details(t("pairwise"),h("p",{class:"sub"},t("pairwiseHelp")),table(["",...d.options],d.options.map((o,i)=>[o,...d.options.map((_,j)=>i===j?"–":String(ty.pairwise[i*n+j]))]))))}
 return c}

/* ---------- opinion map ---------- */
const GCOL=["#8fd3ff","#f2c14e","#ff7b7b","#7bd88f","#c89bff","#ffa25f"];
function marker(g,x,y,r){const c=GCOL[g%GCOL.length];const k=g%4;
 if(k===0)return s("circle",{cx:x,cy:y,r,fill:c});if(k===1)return s("rect",{x:x-r,y:y-r,width:2*r,height:2*r,fill:c});
 if(k===2)return s("polygon",{points:[x,y-r*1.2,x+r*1.1,y+r*.9,x-r*1.1,y+r*.9].map(v=>v.toFixed(1)).join(" "),fill:c});
 return s("polygon",{points:[x,y-r*1.2,x+r*1.2,y,x,y+r*1.2,x-r*1.2,y].map(v=>v.toFixed(1)).join(" "),fill:c})}
function renderOpinionSelect(){const sel=$("op-council");sel.replaceChildren(...S.councils.map(c=>h("option",{value:c.id,selected:c.id===S.opCouncil},c.name)))}
function renderOpinion(){const body=$("op-body");body.replaceChildren();const cid=S.opCouncil;const m=S.opinion[cid];
 if(S.errors.opinion){body.append(h("p",{class:"err"},S.errors.opinion));return}
 if(!m)return;
 if(!m.consensus||!m.consensus.length||!m.members||!m.members.length){body.append(h("p",{class:"muted"},t("noStatements")));return}
 const W=320,H=300,P=56;const xs=m.members.map(p=>p.x),ys=m.members.map(p=>p.y);
 const x0=Math.min(...xs),x1=Math.max(...xs),y0=Math.min(...ys),y1=Math.max(...ys);
 const sx=v=>x1>x0?P+(v-x0)/(x1-x0)*(W-2*P):W/2,sy=v=>y1>y0?H-P-(v-y0)/(y1-y0)*(H-2*P):H/2;
 const groups=(m.groups||[]).filter(g=>g.members&&g.members.length);
 const label=t("mapLabel",{council:cname(cid),n:m.members.length,k:groups.length});
 const svg=s("svg",{class:"chart opinion-map",viewBox:"0 0 "+W+" "+H,role:"img","aria-label":label},s("title",null,label),
  s("line",{x1:P/2,x2:W-P/2,y1:H/2,y2:H/2,stroke:"#2c3a48"}),s("line",{x1:W/2,x2:W/2,y1:P/2,y2:H-P/2,stroke:"#2c3a48"}));
 const clusters={};for(const p of m.members){const key=Math.round(sx(p.x)/4)+","+Math.round(sy(p.y)/4);(clusters[key]=clusters[key]||[]).push(p)}
 for(const list of Object.values(clusters)){const cx=sx(list[0].x),cy=sy(list[0].y),n=list.length,r=n>1?10+3*n:0;
  list.forEach((p,i)=>{const a=-Math.PI/2+2*Math.PI*i/n,x=cx+r*Math.cos(a),y=cy+r*Math.sin(a),right=n===1?x<W-60:Math.cos(a)>=-0.01;
   svg.append(s("g",null,s("title",null,p.id+" · "+t("group",{n:p.group+1})),marker(p.group,x,y,6),
    s("text",{x:(right?x+9:x-9).toFixed(1),y:(y+4).toFixed(1),"text-anchor":right?"start":"end",fill:"#e8eef2","font-size":11,"font-family":"sans-serif"},p.id)))})}
 body.append(svg,h("ul",{class:"legend"},groups.map(g=>h("li",null,s("svg",{width:14,height:14,viewBox:"0 0 14 14","aria-hidden":"true"},marker(g.group,7,7,5)),
   t("group",{n:g.group+1})+": "+g.members.join(", ")))),
  h("p",{class:"small muted"},t("silhouette",{s:num(m.silhouette,2)})));
 body.append(h("h3",null,t("consensus")),h("ol",{class:"small"},m.consensus.map(c=>h("li",null,c.text+" ",h("span",{class:"muted"},"("+t("score",{s:num(c.score,2)})+")")))));
 if(m.low_engagement&&m.low_engagement.length)body.append(h("p",{class:"small"},t("lowEng")+": "+m.low_engagement.join(", ")));
 if(m.suspicious_blocks&&m.suspicious_blocks.length)body.append(h("p",{class:"small err"},t("suspicious")+": "+m.suspicious_blocks.map(b=>b.join(" + ")).join("; ")))}

/* ---------- forecasts ---------- */
function chartURL(c,ind){return "/api/v1/councils/"+seg(c)+"/series/"+seg(ind)+"/chart.svg?lang="+lang}
function renderForecasts(){const body=$("fc-body");body.replaceChildren();
 if(S.errors.series){body.append(h("p",{class:"err"},S.errors.series));return}
 let n=0;
 for(const c of S.councils)for(const se of (S.series[c.id]||[])){n++;const url=chartURL(c.id,se.indicator);
  const vals=se.values||[];let li=vals.length-1;while(li>=0&&(vals[li]===null||vals[li]===undefined))li--;
  const ev=S.chartEvents[url]||[];
  body.append(h("figure",{class:"col"},h("img",{class:"chart forecast",src:url,alt:t("chartAlt",{indicator:se.indicator,council:c.name}),width:"640",height:"280",loading:"eager",decoding:"async"}),
   h("figcaption",null,h("strong",null,c.name+" · "+se.indicator),h("br"),
    li>=0?t("lastValue",{v:num(vals[li]),p:se.first_period+li})+" · ":"",se.plan?t("planTarget",{t:num(se.plan.target),tol:num(se.plan.tolerance)}):t("noPlanBand"),
    ev.length?details(t("events")+" ("+ev.length+")",h("ul",null,ev.map(x=>h("li",null,x)))):null,
    h("br"),h("a",{href:url},t("openSvg",{name:se.indicator})))))}
 if(!n)body.append(h("p",{class:"muted"},t("noSeries")))}

/* ---------- what-if ---------- */
function renderWhatIfForm(){const box=$("wi-fields");const keep={};for(const i of box.querySelectorAll("input"))keep[i.id]=i.value;box.replaceChildren();
 const E=S.economy&&S.economy.economy;if(!E)return;
 const field=(id,label,cur,unit)=>h("div",null,h("label",{for:id},label+(unit?" ("+unit+")":"")),h("input",{id,type:"number",min:"0",step:"any",inputmode:"decimal",placeholder:num(cur),"aria-describedby":id+"-d",value:keep[id]||null}),
  h("div",{id:id+"-d",class:"sub"},t("current",{v:num(cur)})));
 const need={};for(const n of E.needs||[])need[n.product]=(need[n.product]||0)+n.amount;
 box.append(h("fieldset",{class:"fs"},h("legend",null,t("wiLimits")),h("div",{class:"fields"},E.resources.map(r=>field("wi-lim-"+r.id,r.name,r.limit,r.unit)))),
  h("fieldset",{class:"fs"},h("legend",null,t("wiNeeds")),h("div",{class:"fields"},E.products.filter(p=>need[p.id]!==undefined).map(p=>field("wi-need-"+p.id,p.name,need[p.id],p.unit)))),
  h("details",null,h("summary",null,t("wiCaps")),h("fieldset",{class:"fs"},h("legend",{class:"sr-only"},t("wiCaps")),h("div",{class:"fields"},E.techniques.filter(x=>x.capacity!==undefined&&x.capacity!==null).map(x=>field("wi-cap-"+x.id,x.name||x.id,x.capacity,""))))))}
async function runWhatIf(ev){ev.preventDefault();const E=S.economy&&S.economy.economy;if(!E)return;
 const body={limits:{},needs:{},capacities:{}};let any=false;
 for(const i of $("wi-fields").querySelectorAll("input")){if(i.value==="")continue;const v=Number(i.value);
  if(!isFinite(v)||v<0){say(t("wiInvalid",{field:i.labels&&i.labels[0]?i.labels[0].textContent:i.id}),true);i.focus();return}
  const m=i.id.match(/^wi-(lim|need|cap)-(.*)$/);body[{lim:"limits",need:"needs",cap:"capacities"}[m[1]]][m[2]]=v;any=true}
 if(!any){say(t("wiNothing"),true);return}
 if(!token()){say(t("wiNeedToken"),true);$("token").focus();return}
 for(const k of Object.keys(body))if(!Object.keys(body[k]).length)delete body[k];
 say(t("wiRunning"));const out=$("wi-result");out.replaceChildren();
 try{S.whatif=await api("POST","/api/v1/what-if",body,true);renderWhatIf();say(t("wiDone"))}
 catch(e){S.whatif=null;const msg=e instanceof HTTPError&&(e.status===404||e.status===405)?t("wiNA"):t("wiFailed",{err:errText(e)});out.append(h("p",{class:"err"},msg));say(msg,true)}}
function renderWhatIf(){const out=$("wi-result");out.replaceChildren();if(S.whatif)renderComparison(out,S.whatif)}
function renderComparison(out,w){const b=w.before||{},a=w.after||{};
 const d=(x,y,good)=>{if(typeof x!=="number"||typeof y!=="number")return"";let v=y-x;if(Math.abs(v)<=1e-6*Math.max(1,Math.abs(x)))v=0;return h("span",{class:good&&v>0?"up":good&&v<0?"down":null},(v>0?"+":"")+num(v))};
 const rows=[[t("lambda"),num(b.fulfilment,3),num(a.fulfilment,3),d(b.fulfilment,a.fulfilment,true)],[t("status"),tr("st_",b.status||"–"),tr("st_",a.status||"–"),""]];
 const rb=b.resource_use||{},ra=a.resource_use||{};
 for(const k of Object.keys(ra)){const x=rb[k]||{},y=ra[k]||{};rows.push([rname(k),num(x.use)+" / "+num(x.limit),num(y.use)+" / "+num(y.limit),d(x.use,y.use)])}
 out.append(h("h3",null,t("result")),table(["",t("before"),t("after"),t("change")],rows));
 const ch=w.changes||[];out.append(h("h3",null,t("changesH")));
 if(!ch.length)out.append(h("p",{class:"muted small"},t("noChanges")));
 else out.append(table([t("technique"),t("before"),t("after"),t("change")],ch.map(c=>[c.technique,num(c.before),num(c.after),d(c.before,c.after)])))}

/* ---------- replanning proposals ---------- */
async function loadProposals(){try{const list=await get("/api/v1/proposals");S.proposals=await Promise.all(list.map(p=>get("/api/v1/proposals/"+encodeURIComponent(p.id))));delete S.errors.proposals}
 catch(e){S.proposals=[];S.errors.proposals=t("loadFailed",{what:"proposals",err:errText(e)})}renderProposals()}
function renderProposals(){const box=$("pr-body");box.replaceChildren();const list=S.proposals||[];
 if(!list.length){box.append(h("p",{class:"muted small"},t("prNone")));return}
 for(const p of list){const card=h("div",{class:"card"});
  card.append(h("h3",null,(p.council||"")+" · "+tr("prStatus_",p.status||"pending")),h("p",{class:"small"},t("prReason")+": "+(p.reason||"")));
  const body=h("div");renderComparison(body,p);card.append(body);
  if(p.status==="pending"){const b=h("button",{type:"button"},t("prAccept"));
   b.addEventListener("click",async()=>{if(!token()){say(t("needToken"),true);return}
    try{await api("POST","/api/v1/proposals/"+encodeURIComponent(p.id)+"/accept",undefined,true);say(t("prAccepted"));await loadAll()}
    catch(e){say(t("actFailed",{err:errText(e)}),true)}});card.append(b)}
  box.append(card)}}

/* ---------- loading ---------- */
async function loadPlan(id){S.planId=id;try{S.plan=await get("/api/v1/plans/"+encodeURIComponent(id));delete S.errors.plan}catch(e){S.errors.plan=t("loadFailed",{what:"plan",err:errText(e)})}renderPlan()}
async function loadAlerts(){try{S.alerts=await get("/api/v1/alerts");delete S.errors.alerts}catch(e){S.errors.alerts=t("loadFailed",{what:"alerts",err:errText(e)})}}
async function loadOpinion(cid){S.opCouncil=cid;try{S.opinion[cid]=await get("/api/v1/councils/"+seg(cid)+"/opinion-map");delete S.errors.opinion}catch(e){S.errors.opinion=t("loadFailed",{what:"opinion map",err:errText(e)})}renderOpinion()}
async function chartEvents(url){try{const r=await fetch(url);if(!r.ok)return[];const doc=new DOMParser().parseFromString(await r.text(),"image/svg+xml");
 return[...doc.querySelectorAll(".change-point > title, .outlier > title")].map(x=>x.textContent)}catch(e){return[]}}
async function loadAll(){say(t("loading"));document.documentElement.dataset.ready="0";
 const health=get("/health").then(x=>{$("health").textContent=t("health",x)},()=>{$("health").textContent=t("healthDown")});
 try{S.councils=await get("/api/v1/councils")}catch(e){S.councils=[];say(t("loadFailed",{what:"councils",err:errText(e)}),true)}
 renderOpinionSelect();
 const tasks=[health,
  (async()=>{try{S.decisions=await get("/api/v1/decisions");await Promise.all(S.decisions.filter(d=>!d.open).map(async d=>{S.tallies[d.id]=(await get("/api/v1/decisions/"+encodeURIComponent(d.id))).tally}));delete S.errors.decisions}
   catch(e){S.errors.decisions=t("loadFailed",{what:"decisions",err:errText(e)})}renderDecisions()})(),
  (async()=>{try{S.plans=await get("/api/v1/plans");try{S.economy=await get("/api/v1/economy")}catch(e){S.economy=null}renderWhatIfForm();
   if(S.plans.length){const want=S.planId&&S.plans.some(p=>p.id===S.planId)?S.planId:S.plans[S.plans.length-1].id;await loadPlan(want)}else renderPlan()}
   catch(e){S.errors.plan=t("loadFailed",{what:"plans",err:errText(e)});renderPlan()}})(),
  (async()=>{await loadAlerts();renderAlerts()})(),
  loadProposals(),
  (async()=>{try{const maps=await Promise.all(S.councils.map(c=>get("/api/v1/councils/"+seg(c.id)+"/opinion-map").then(m=>[c.id,m])));
    S.opinion=Object.fromEntries(maps);delete S.errors.opinion;
    if(!S.opCouncil||!S.opinion[S.opCouncil]){const withSt=maps.find(([,m])=>m.consensus&&m.consensus.length);S.opCouncil=withSt?withSt[0]:(S.councils[0]&&S.councils[0].id)}}
   catch(e){S.errors.opinion=t("loadFailed",{what:"opinion map",err:errText(e)})}renderOpinionSelect();renderOpinion()})(),
  (async()=>{try{const all=await Promise.all(S.councils.map(c=>get("/api/v1/councils/"+seg(c.id)+"/series").then(x=>[c.id,x])));S.series=Object.fromEntries(all);delete S.errors.series;
    const urls=[];for(const[c,list]of all)for(const se of list)urls.push(chartURL(c,se.indicator));
    const evs=await Promise.all(urls.map(chartEvents));urls.forEach((u,i)=>S.chartEvents[u]=evs[i])}
   catch(e){S.errors.series=t("loadFailed",{what:"series",err:errText(e)})}renderForecasts()})()];
 await Promise.allSettled(tasks);
 renderDecisions();
 await Promise.all([...document.images].map(i=>i.complete?null:new Promise(r=>{i.addEventListener("load",r,{once:true});i.addEventListener("error",r,{once:true})})));
 const anyErr=Object.keys(S.errors).length>0;
 if(!anyErr)say(t("updated",{time:new Date().toLocaleTimeString(lang)}));else say(Object.values(S.errors)[0],true);
 document.documentElement.dataset.ready="1"}
function renderAll(){applyStatic();renderOpinionSelect();renderPlan();renderAlerts();renderDecisions();renderOpinion();renderForecasts();renderWhatIfForm();renderWhatIf();renderProposals()}

for(const b of document.querySelectorAll("[data-lang]"))b.addEventListener("click",()=>{lang=b.dataset.lang;const u=new URL(location.href);u.searchParams.set("lang",lang);
 history.replaceState(null,"",u.pathname+u.search+u.hash);renderAll();say(t("updated",{time:new Date().toLocaleTimeString(lang)}))});
$("reload").addEventListener("click",()=>loadAll());
$("show-closed").addEventListener("change",renderAlerts);
$("op-council").addEventListener("change",e=>loadOpinion(e.target.value));
$("wi-form").addEventListener("submit",runWhatIf);
$("wi-form").addEventListener("reset",()=>{S.whatif=null;setTimeout(()=>{renderWhatIf()},0)});
$("tok-form").addEventListener("submit",e=>{e.preventDefault();const v=$("token").value.trim();if(!v)return;try{localStorage.setItem("synco.token",v)}catch(x){}$("token").value="";$("tok-state").textContent=t("tokenSet");say(t("tokenSaved"))});
$("tok-forget").addEventListener("click",()=>{try{localStorage.removeItem("synco.token")}catch(x){}$("tok-state").textContent=t("tokenNone");say(t("tokenForgot"))});
applyStatic();loadAll();
</script></body></html>
"""##
    /// The icon browsers ask for at /favicon.ico (an SVG; modern browsers accept it).
    static let favicon = ##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1b2530"/><path d="M3 11l3-4 3 2 4-6" stroke="#8fd3ff" stroke-width="2" fill="none"/></svg>"##
}
