// flowcost report: optional sorting and filtering. The page is complete
// without it; rows marked "fixed" (Other, totals) always stay last.
(function () {
  'use strict';
  function cellKey(td) {
    if (!td) return '';
    var v = td.getAttribute('data-v');
    if (v !== null && v !== '' && !isNaN(parseFloat(v))) return parseFloat(v);
    return td.textContent.trim().toLowerCase();
  }
  function sortTable(table, col, th) {
    var body = table.tBodies[0];
    if (!body) return;
    var rows = Array.prototype.slice.call(body.rows);
    var movable = rows.filter(function (r) { return !r.classList.contains('fixed') && r.cells.length > col; });
    var fixed = rows.filter(function (r) { return movable.indexOf(r) < 0; });
    var asc = th.getAttribute('aria-sort') !== 'ascending';
    var heads = table.tHead.rows[0].cells;
    for (var i = 0; i < heads.length; i++) heads[i].setAttribute('aria-sort', 'none');
    th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
    movable = movable.map(function (r, i) { return { r: r, i: i, k: cellKey(r.cells[col]) }; });
    movable.sort(function (a, b) {
      var x = a.k, y = b.k, c;
      if (typeof x === 'number' && typeof y === 'number') c = x - y;
      else c = String(x).localeCompare(String(y));
      if (!asc) c = -c;
      return c !== 0 ? c : a.i - b.i;
    });
    movable.forEach(function (m) { body.appendChild(m.r); });
    fixed.forEach(function (r) { body.appendChild(r); });
  }
  var tables = document.querySelectorAll('table.sortable');
  Array.prototype.forEach.call(tables, function (table) {
    if (!table.tHead || !table.tHead.rows.length) return;
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      th.tabIndex = 0;
      th.setAttribute('aria-sort', 'none');
      th.addEventListener('click', function () { sortTable(table, col, th); });
      th.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sortTable(table, col, th); }
      });
    });
  });
  // CSV of a table as shown: every row (head, body, foot), one field per
  // cell (a spanning cell is followed by empty fields, so columns line up),
  // the cell's text with runs of white space as one space; RFC 4180 quoting.
  function cellText(td) { return td.textContent.replace(/\s+/g, ' ').trim(); }
  function csvField(s) { return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s; }
  function tableCSV(table) {
    var lines = [];
    Array.prototype.forEach.call(table.rows, function (r) {
      var f = [];
      Array.prototype.forEach.call(r.cells, function (c) {
        f.push(csvField(cellText(c)));
        for (var k = 1; k < (c.colSpan || 1); k++) f.push('');
      });
      lines.push(f.join(','));
    });
    return lines.join('\r\n') + '\r\n';
  }
  window.flowcostTableCSV = tableCSV;
  // A download that needs no server: the CSV as a Blob URL on a link.
  Array.prototype.forEach.call(document.querySelectorAll('main table'), function (table, i) {
    var box = document.createElement('p');
    box.className = 'csvbox';
    var b = document.createElement('button');
    b.type = 'button';
    b.textContent = 'Download CSV';
    var name = (table.id || 'table-' + (i + 1)) + '.csv';
    b.setAttribute('aria-label', 'Download ' + name);
    b.addEventListener('click', function () {
      var url = URL.createObjectURL(new Blob([tableCSV(table)], { type: 'text/csv;charset=utf-8' }));
      var a = document.createElement('a');
      a.href = url;
      a.download = name;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    });
    box.appendChild(b);
    var after = table.parentNode.classList.contains('scroll') ? table.parentNode : table;
    after.parentNode.insertBefore(box, after.nextSibling);
  });
  var filters = document.querySelectorAll('input.filter');
  Array.prototype.forEach.call(filters, function (input) {
    var box = input.closest('.filterbox');
    if (box) box.hidden = false;
    var table = document.getElementById(input.getAttribute('data-table'));
    if (!table || !table.tBodies[0]) return;
    input.addEventListener('input', function () {
      var q = input.value.trim().toLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
        if (r.classList.contains('fixed')) return;
        r.hidden = q !== '' && r.textContent.toLowerCase().indexOf(q) < 0;
      });
    });
  });
})();
