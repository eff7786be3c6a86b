// jixiao review site: hover highlighting on document pages, sorting and filtering on the index.
// Loaded as a file: the pages' Content-Security-Policy forbids inline scripts.
'use strict';

function words(value) {
  return (value || '').split(' ').filter(Boolean);
}

// Document page. An element shows record ids (data-ref) and names the ids linked to them
// (data-links); pointing at it outlines it and every element that shows a linked id.
function setupLinks() {
  const byRef = new Map();
  document.querySelectorAll('[data-ref]').forEach((el) => {
    words(el.dataset.ref).forEach((ref) => {
      if (!byRef.has(ref)) byRef.set(ref, []);
      byRef.get(ref).push(el);
    });
  });
  let lit = [];
  function clear() {
    lit.forEach((el) => el.classList.remove('hl', 'hl-self'));
    lit = [];
  }
  function light(refs, cls) {
    refs.forEach((ref) => (byRef.get(ref) || []).forEach((el) => {
      el.classList.add(cls);
      lit.push(el);
    }));
  }
  document.addEventListener('mouseover', (event) => {
    clear();
    // the element under the pointer and the ones around it (a figure inside a span inside a cell)
    for (let el = event.target; el && el !== document.body; el = el.parentElement) {
      if (!el.dataset || !el.dataset.links) continue;
      light(words(el.dataset.ref), 'hl-self');
      light(words(el.dataset.links), 'hl');
    }
  });
}

// Index page: click a header to sort by it (again to reverse), type to filter rows.
function cellValue(row, k, type) {
  const text = row.cells[k].textContent.trim();
  if (type !== 'num') return text;
  const x = parseFloat(text);
  return Number.isNaN(x) ? -Infinity : x;
}

function setupIndex(table) {
  const body = table.tBodies[0];
  table.querySelectorAll('thead th').forEach((th, k) => {
    th.addEventListener('click', () => {
      const desc = th.classList.contains('asc');
      table.querySelectorAll('thead th').forEach((h) => h.classList.remove('asc', 'desc'));
      th.classList.add(desc ? 'desc' : 'asc');
      const type = th.dataset.type;
      const rows = Array.from(body.rows);
      rows.sort((a, b) => {
        const x = cellValue(a, k, type);
        const y = cellValue(b, k, type);
        const order = type === 'num' ? x - y : String(x).localeCompare(String(y), 'zh');
        return desc ? -order : order;
      });
      rows.forEach((r) => body.appendChild(r));
    });
  });
  const input = document.getElementById('filter');
  const shown = document.getElementById('shown');
  function filter() {
    const q = input.value.trim().toLowerCase();
    let n = 0;
    Array.from(body.rows).forEach((r) => {
      const hit = !q || r.textContent.toLowerCase().includes(q);
      r.hidden = !hit;
      if (hit) n += 1;
    });
    shown.textContent = `${n} of ${body.rows.length} shown`;
  }
  input.addEventListener('input', filter);
  filter();
}

document.addEventListener('DOMContentLoaded', () => {
  const index = document.getElementById('docs');
  if (index) setupIndex(index);
  else setupLinks();
});
