/**
 * The Services Directory: every resource as a browsable HTML page (the default `f=html`),
 * showing its properties, links to parent and children, and a form for each operation.
 * Every echoed value is escaped.
 * @module http/html/page
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

export interface Crumb { label: string; href: string }

export interface PageOptions {
  title: string;
  /** From the root down to the parent of this page. */
  breadcrumbs: Crumb[];
  /** Link to this resource's JSON. */
  jsonHref?: string;
  /** HTML fragments, already escaped. */
  body: string[];
  status?: number;
}

const STYLE = `body{font:14px/1.45 "DejaVu Sans",Verdana,sans-serif;margin:0;color:#222;background:#fafaf7}
header{background:#2f4f3a;color:#fff;padding:10px 20px}header a{color:#fff;text-decoration:none;font-weight:bold}
nav{padding:8px 20px;background:#e8ebe4;border-bottom:1px solid #cfd5c8}nav a{color:#2f4f3a}
main{padding:6px 20px 30px}h2{margin:14px 0 6px;color:#2f4f3a}h3{margin:18px 0 4px;color:#2f4f3a}
dl{margin:4px 0 4px 10px}dt{font-weight:bold;display:inline}dd{display:inline;margin:0 0 0 6px}dd+dt:before{content:"";display:block}
ul{margin:4px 0}table.form td{padding:3px 6px;vertical-align:top}table.form input[type=text],table.form textarea,table.form select{width:420px}
.json{font-size:12px}.error{color:#a01010;font-weight:bold}code{background:#eee;padding:0 3px}`;

export function renderPage(o: PageOptions): string {
  const crumbs = o.breadcrumbs.map((c) => `<a href="${escapeHtml(c.href)}">${escapeHtml(c.label)}</a>`).join(' &gt; ');
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(o.title)}</title><style>${STYLE}</style></head>
<body><header><a href="/">Quadrangle</a> — REST Services Directory</header>
<nav>${crumbs}${o.jsonHref ? ` &nbsp;|&nbsp; <a class="json" href="${escapeHtml(o.jsonHref)}">JSON</a>` : ''}</nav>
<main><h2>${escapeHtml(o.title)}</h2>
${o.body.join('\n')}
</main></body></html>`;
}

/** Renders any JSON value as nested definition lists. */
export function renderValue(value: unknown, depth = 0): string {
  if (value === null || value === undefined) return '<i>null</i>';
  if (Array.isArray(value)) {
    if (value.length === 0) return '<i>none</i>';
    if (value.every((v) => v === null || typeof v !== 'object')) return escapeHtml(value.join(', '));
    if (depth > 4) return `<code>${escapeHtml(JSON.stringify(value).slice(0, 500))}</code>`;
    return `<ul>${value.map((v) => `<li>${renderValue(v, depth + 1)}</li>`).join('')}</ul>`;
  }
  if (typeof value === 'object') {
    if (depth > 4) return `<code>${escapeHtml(JSON.stringify(value).slice(0, 500))}</code>`;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return '<i>none</i>';
    return `<dl>${entries.map(([k, v]) => `<dt>${escapeHtml(k)}:</dt><dd>${renderValue(v, depth + 1)}</dd>`).join('')}</dl>`;
  }
  return escapeHtml(value);
}

/** Properties of a resource, skipping keys rendered elsewhere on the page. */
export function renderProperties(json: Record<string, unknown>, skip: string[] = []): string {
  const entries = Object.entries(json).filter(([k]) => !skip.includes(k));
  return `<dl>${entries.map(([k, v]) => `<dt>${escapeHtml(k)}:</dt><dd>${renderValue(v)}</dd>`).join('')}</dl>`;
}

export function renderLinks(heading: string, links: Crumb[]): string {
  if (links.length === 0) return '';
  return `<h3>${escapeHtml(heading)}</h3><ul>${links.map((l) => `<li><a href="${escapeHtml(l.href)}">${escapeHtml(l.label)}</a></li>`).join('')}</ul>`;
}

export interface FormField {
  name: string;
  label?: string;
  kind?: 'text' | 'textarea' | 'select' | 'password';
  options?: string[];
  value?: string;
}

/** An HTML form that runs an operation; `f` chooses the answer's format. */
export function renderForm(action: string, fields: FormField[], formats: string[] = ['html', 'json', 'pjson'], postOnly = false): string {
  const row = (f: FormField) => {
    const label = escapeHtml(f.label ?? f.name);
    const value = escapeHtml(f.value ?? '');
    let input: string;
    if (f.kind === 'textarea') input = `<textarea name="${escapeHtml(f.name)}" rows="3">${value}</textarea>`;
    else if (f.kind === 'select') input = `<select name="${escapeHtml(f.name)}">${(f.options ?? []).map((o) => `<option${o === f.value ? ' selected' : ''}>${escapeHtml(o)}</option>`).join('')}</select>`;
    else input = `<input type="${f.kind === 'password' ? 'password' : 'text'}" name="${escapeHtml(f.name)}" value="${value}">`;
    return `<tr><td><label>${label}:</label></td><td>${input}</td></tr>`;
  };
  const all = [...fields, { name: 'f', label: 'Format', kind: 'select' as const, options: formats, value: 'html' }];
  const buttons = postOnly ? '<input type="submit" value="Run (POST)">' : '<input type="submit" value="Run (GET)"> <input type="submit" formmethod="post" value="Run (POST)">';
  return `<form action="${escapeHtml(action)}" method="${postOnly ? 'post' : 'get'}"><table class="form">${all.map(row).join('')}
<tr><td></td><td>${buttons}</td></tr></table></form>`;
}

export function renderErrorPage(code: number, message: string, details: string[]): string {
  return renderPage({
    title: 'Error',
    breadcrumbs: [{ label: 'Home', href: '/arcgis/rest/services' }],
    body: [`<p class="error">${escapeHtml(message)}</p><p>Code: ${escapeHtml(code)}</p>`,
      details.length ? `<ul>${details.map((d) => `<li>${escapeHtml(d)}</li>`).join('')}</ul>` : ''],
  });
}
