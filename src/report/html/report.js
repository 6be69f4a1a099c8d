/*
 * wormcast report: draws the output folders embedded in the page (the JSON in
 * <script id="data">, one object per folder: dir, kind, summary, files,
 * series, tables; src/report/html_report.h) as figures, plots and tables.
 * Plain script, no library, nothing fetched.
 *
 * Plots are SVG markup built as text: an HTML page gives inline <svg> its
 * namespace, so no namespace address is needed. Every figure taken from
 * summary.json (or fit.json) is shown in an element with data-key="PATH"
 * (dot-separated, array indices as numbers); at the end the page writes
 * <pre id="selftest"> as JSON: the plots drawn and their points, the errors
 * caught, and per folder every data-key's value read back from the text
 * shown. tests/report.sh compares those with the files.
 */
(function () {
	'use strict';
	var ST = { plots: 0, plots_with_points: 0, points: 0, errors: [], folders: [] };
	var PLOTS = [];
	window.onerror = function (msg, src, line) {
		ST.errors.push(String(msg) + ' (line ' + line + ')');
		writeSelftest();
	};
	var consoleError = console.error;
	console.error = function () {
		ST.errors.push(Array.prototype.map.call(arguments, String).join(' '));
		return consoleError.apply(console, arguments);
	};

	var COLORS = ['#1f5fbf', '#d1495b', '#2a9d55', '#e08a00', '#7b4fb5', '#008b8b', '#8c564b', '#555555'];

	function esc(s) {
		return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
	}
	function isNum(v) { return typeof v === 'number' && isFinite(v); }
	function commas(s) { return s.replace(/\B(?=(\d{3})+(?!\d))/g, ','); }
	/* Exact: an integer with thousands separators, else the shortest text that reads back as the value. */
	function fmtExact(v) {
		if (v === null || v === undefined) return '—';
		if (!isNum(v)) return String(v);
		var t = String(Math.abs(v)), sign = v < 0 ? '-' : '';
		if (/e/.test(t)) return String(v);
		var dot = t.indexOf('.');
		return dot < 0 ? sign + commas(t) : sign + commas(t.slice(0, dot)) + t.slice(dot);
	}
	/* Short, for axes and the hover box. */
	function fmtShort(v) {
		if (!isNum(v)) return '—';
		var a = Math.abs(v);
		if (a >= 1e9) return +(v / 1e9).toPrecision(3) + 'G';
		if (a >= 1e6) return +(v / 1e6).toPrecision(3) + 'M';
		if (a >= 1e4) return +(v / 1e3).toPrecision(3) + 'k';
		if (Number.isInteger(v)) return String(v);
		return String(+v.toPrecision(4));
	}
	function pad(n) { return n < 10 ? '0' + n : String(n); }
	function isoTime(sec) {
		var d = new Date(sec * 1000);
		return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()) + ' ' +
			pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + (d.getUTCSeconds() ? ':' + pad(d.getUTCSeconds()) : '') + ' UTC';
	}
	function label(key) { return String(key).replace(/_/g, ' '); }
	function el(tag, cls, html) {
		var e = document.createElement(tag);
		if (cls) e.className = cls;
		if (html !== undefined) e.innerHTML = html;
		return e;
	}

	/* ---- tables ---- */

	/* rows: [[label, value, path]]; path marks the value as a figure from the summary. */
	function figureTable(rows) {
		var h = '<table>';
		rows.forEach(function (r) {
			var v = r[1], text = typeof v === 'string' ? esc(v) : esc(fmtExact(v));
			var attr = r[2] === undefined ? '' : ' data-key="' + esc(r[2]) + '"' + (typeof v === 'string' ? ' data-text="1"' : '');
			h += '<tr><th>' + esc(r[0]) + '</th><td class="num"' + attr + '>' + text + '</td></tr>';
		});
		return h + '</table>';
	}
	/* Leaves of obj as rows, keyed by their path under base. */
	function flatten(obj, base, prefix, rows) {
		Object.keys(obj || {}).forEach(function (k) {
			var v = obj[k], path = base + '.' + k, name = (prefix ? prefix + ' ' : '') + label(k);
			if (v !== null && typeof v === 'object') flatten(v, path, name, rows);
			else rows.push([name, v, path]);
		});
		return rows;
	}
	/* A CSV table as read (columns, data), in a scrolling box. */
	function csvTable(t, timeCol) {
		var cols = t.columns, n = t.kept, h = '<div class="scroll"><table><tr>';
		cols.forEach(function (c) { h += '<th>' + esc(c) + '</th>'; });
		h += '</tr>';
		for (var i = 0; i < n; i++) {
			h += '<tr>';
			cols.forEach(function (c) {
				var v = t.data[c][i];
				if (c === timeCol && isNum(v) && !t.time_hours) v = isoTime(v);
				h += '<td' + (isNum(v) ? ' class="num"' : '') + '>' + esc(fmtExact(v)) + '</td>';
			});
			h += '</tr>';
		}
		h += '</table></div>';
		if (t.rows > n) h += '<p class="note">The first ' + fmtExact(n) + ' of ' + fmtExact(t.rows) + ' rows; the file has them all.</p>';
		return h;
	}

	/* ---- plots ---- */

	var W = 720, H = 300, ML = 64, MR = 26, MT = 30, MB = 38;

	function niceStep(span, n) {
		var raw = span / n, p = Math.pow(10, Math.floor(Math.log10(raw))), f = raw / p;
		return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * p;
	}
	function ticks(lo, hi, n) {
		var step = niceStep(hi - lo || 1, n), out = [];
		for (var v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
		return out;
	}
	var TIME_STEPS = [60, 300, 600, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800, 2592000];
	function timeTicks(lo, hi) {
		var step = TIME_STEPS[TIME_STEPS.length - 1];
		for (var i = 0; i < TIME_STEPS.length; i++) if ((hi - lo) / TIME_STEPS[i] <= 7) { step = TIME_STEPS[i]; break; }
		var out = [];
		for (var t = Math.ceil(lo / step) * step; t <= hi; t += step) out.push(t);
		return out;
	}
	function timeLabel(t, withDate) {
		var s = isoTime(t).split(' ');
		return withDate ? s[0].slice(5) + ' ' + s[1] : s[1];
	}

	/*
	 * spec: { title, x: [...], time: true for seconds since the epoch (UTC),
	 * xName, xLabels: names for integer x (a sweep's combinations),
	 * series: [{ name, y: [...] , color, marks }], bands: [{ name, lo, hi, color }],
	 * points: [{ x, y, kind: count|estimate|lower_bound, color, name }], yName }
	 */
	function Plot(box, spec) {
		this.box = box;
		this.spec = spec;
		var xs = spec.x.filter(isNum);
		this.full = xs.length ? [Math.min.apply(null, xs), Math.max.apply(null, xs)] : [0, 1];
		if (spec.xLabels) this.full = [this.full[0] - 0.5, this.full[1] + 0.5];
		if (this.full[0] === this.full[1]) this.full = [this.full[0] - 1, this.full[1] + 1];
		this.view = this.full.slice();
		box.className = 'plot';
		box.innerHTML = '<div class="area"></div><div class="tip"></div><div class="ctl">' +
			(spec.xLabels ? 'hover for values' : 'drag to zoom on the ' + (spec.time ? 'time ' : '') + 'axis, double-click to zoom out; hover for values') + '</div>';
		this.area = box.querySelector('.area');
		this.tip = box.querySelector('.tip');
		this.draw();
		this.listen();
		ST.plots++;
		PLOTS.push(this);
	}
	Plot.prototype.sx = function (x) { return ML + (x - this.view[0]) / (this.view[1] - this.view[0]) * (W - ML - MR); };
	Plot.prototype.sy = function (y) { return MT + (1 - (y - this.yr[0]) / (this.yr[1] - this.yr[0])) * (H - MT - MB); };
	Plot.prototype.inView = function (i) {
		var x = this.spec.x[i];
		return isNum(x) && x >= this.view[0] && x <= this.view[1];
	};
	Plot.prototype.yRange = function () {
		/* Counts over time from zero; a sweep's outcomes from their own range, so
		 * that the combinations' differences show. */
		var s = this.spec, lo = s.xLabels ? Infinity : 0, hi = -Infinity, self = this;
		function take(arr) {
			for (var i = 0; i < arr.length; i++) if (self.inView(i) && isNum(arr[i])) { lo = Math.min(lo, arr[i]); hi = Math.max(hi, arr[i]); }
		}
		s.series.forEach(function (c) { take(c.y); });
		(s.bands || []).forEach(function (b) { take(b.lo); take(b.hi); });
		(s.points || []).forEach(function (p) { if (p.x >= self.view[0] && p.x <= self.view[1]) hi = Math.max(hi, p.y); });
		if (!isFinite(lo)) lo = 0;
		if (!(hi > lo)) hi = lo + 1;
		var padLo = s.xLabels ? (hi - lo) * 0.05 : 0;
		return [lo - padLo, hi + (hi - lo) * 0.05];
	};
	/* The path through the points in view, a gap where a value is missing. */
	Plot.prototype.line = function (y) {
		var d = '', pen = false;
		for (var i = 0; i < y.length; i++) {
			if (!this.inView(i) || !isNum(y[i])) { pen = false; continue; }
			d += (pen ? 'L' : 'M') + this.sx(this.spec.x[i]).toFixed(1) + ' ' + this.sy(y[i]).toFixed(1);
			pen = true;
		}
		return d;
	};
	Plot.prototype.band = function (lo, hi) {
		var up = [], down = [];
		for (var i = 0; i < lo.length; i++) {
			if (!this.inView(i) || !isNum(lo[i]) || !isNum(hi[i])) continue;
			var x = this.sx(this.spec.x[i]).toFixed(1);
			up.push(x + ' ' + this.sy(hi[i]).toFixed(1));
			down.unshift(x + ' ' + this.sy(lo[i]).toFixed(1));
		}
		return up.length ? 'M' + up.concat(down).join('L') + 'Z' : '';
	};
	Plot.prototype.axes = function () {
		var s = this.spec, h = '', self = this, x0 = ML, x1 = W - MR, y0 = MT, y1 = H - MB;
		ticks(this.yr[0], this.yr[1], 5).forEach(function (v) {
			var y = self.sy(v).toFixed(1);
			h += '<line class="grid" x1="' + x0 + '" x2="' + x1 + '" y1="' + y + '" y2="' + y + '"/>' +
				'<text x="' + (x0 - 5) + '" y="' + y + '" dy="4" text-anchor="end">' + esc(fmtShort(v)) + '</text>';
		});
		var xt, xl;
		if (s.xLabels) {
			xt = s.x.filter(function (x, i) { return self.inView(i); });
			xl = function (x) { return s.xLabels[x] || ''; };
		} else if (s.time) {
			xt = timeTicks(this.view[0], this.view[1]);
			var lastDay = '';
			xl = function (t) { var day = isoTime(t).slice(0, 10), w = day !== lastDay; lastDay = day; return timeLabel(t, w); };
		} else {
			xt = ticks(this.view[0], this.view[1], 7);
			xl = fmtShort;
		}
		xt.forEach(function (v) {
			var x = self.sx(v).toFixed(1);
			h += '<line class="grid" x1="' + x + '" x2="' + x + '" y1="' + y0 + '" y2="' + y1 + '"/>' +
				'<text x="' + x + '" y="' + (y1 + 14) + '" text-anchor="middle">' + esc(xl(v)) + '</text>';
		});
		h += '<path class="axis" fill="none" d="M' + x0 + ' ' + y0 + 'V' + y1 + 'H' + x1 + '"/>';
		h += '<text x="' + ((x0 + x1) / 2) + '" y="' + (H - 4) + '" text-anchor="middle">' + esc(s.xName || (s.time ? 'time (UTC)' : 'hours')) + '</text>';
		if (s.yName) h += '<text x="4" y="' + (MT - 18) + '">' + esc(s.yName) + '</text>';
		return h;
	};
	Plot.prototype.legend = function () {
		var x = ML, h = '';
		this.spec.series.concat(this.spec.bands || []).forEach(function (c) {
			if (!c.name) return;
			h += '<rect x="' + x + '" y="' + (MT - 12) + '" width="14" height="' + (c.lo ? 8 : 3) + '" fill="' + c.color + '"' + (c.lo ? ' fill-opacity=".25"' : '') + '/>' +
				'<text x="' + (x + 18) + '" y="' + (MT - 5) + '">' + esc(c.name) + '</text>';
			x += 28 + 6.2 * c.name.length;
		});
		if (this.spec.legendPoints)
			h += '<circle cx="' + (x + 6) + '" cy="' + (MT - 9) + '" r="3" stroke="' + COLORS[7] + '" fill="#fff"/><text x="' + (x + 14) + '" y="' + (MT - 5) + '">' + esc(this.spec.legendPoints) + '</text>';
		return h;
	};
	Plot.prototype.marks = function () {
		var h = '', self = this;
		(this.spec.points || []).forEach(function (p) {
			if (p.x < self.view[0] || p.x > self.view[1]) return;
			var x = self.sx(p.x).toFixed(1), y = self.sy(p.y).toFixed(1), t = '<title>' + esc(p.name) + '</title>';
			if (p.kind === 'lower_bound')
				h += '<path d="M' + x + ' ' + (y - 9) + 'l-5 8h10z M' + x + ' ' + y + 'v-4" stroke="' + p.color + '" fill="' + p.color + '" stroke-width="2">' + t + '</path>';
			else
				h += '<circle cx="' + x + '" cy="' + y + '" r="' + (p.small ? 2.5 : 4.5) + '" stroke="' + p.color + '" stroke-width="' + (p.small ? 1 : 2) + '" fill="' + (p.kind === 'estimate' ? '#fff' : p.color) + '">' + (p.small ? '' : t) + '</circle>';
		});
		this.spec.series.forEach(function (c) {
			if (!c.marks) return;
			c.y.forEach(function (v, i) {
				if (self.inView(i) && isNum(v))
					h += '<circle cx="' + self.sx(self.spec.x[i]).toFixed(1) + '" cy="' + self.sy(v).toFixed(1) + '" r="3.5" fill="' + c.color + '"/>';
			});
		});
		return h;
	};
	Plot.prototype.draw = function () {
		this.yr = this.yRange();
		var self = this, s = this.spec;
		var h = '<svg class="chart" viewBox="0 0 ' + W + ' ' + H + '" role="img" aria-label="' + esc(s.title || '') + '">';
		h += this.axes();
		(s.bands || []).forEach(function (b) { h += '<path class="band" d="' + self.band(b.lo, b.hi) + '" fill="' + b.color + '" fill-opacity=".2" stroke="none"/>'; });
		var drawn = 0;
		s.series.forEach(function (c) {
			var d = self.line(c.y);
			drawn += d.length;
			h += '<path class="series" d="' + d + '" fill="none" stroke="' + c.color + '" stroke-width="1.6"' + (c.dash ? ' stroke-dasharray="5 3"' : '') + '/>';
		});
		if (!drawn) h += '<text x="' + (W / 2) + '" y="' + (H / 2) + '" text-anchor="middle">no rows to plot here</text>';
		h += this.marks() + this.legend();
		h += '<line class="cursor" y1="' + MT + '" y2="' + (H - MB) + '" x1="-10" x2="-10"/>';
		h += '<rect class="sel" y="' + MT + '" height="' + (H - MT - MB) + '" x="0" width="0"/>';
		this.area.innerHTML = h + '</svg>';
	};
	/* The data x under a mouse event, in the plot's units. */
	Plot.prototype.at = function (ev) {
		var r = this.area.firstChild.getBoundingClientRect();
		var sx = (ev.clientX - r.left) * W / r.width;
		return { sx: sx, x: this.view[0] + (sx - ML) / (W - ML - MR) * (this.view[1] - this.view[0]) };
	};
	Plot.prototype.nearest = function (x) {
		var best = -1, bd = Infinity, xs = this.spec.x;
		for (var i = 0; i < xs.length; i++) {
			var d = Math.abs(xs[i] - x);
			if (isNum(xs[i]) && d < bd) { bd = d; best = i; }
		}
		return best;
	};
	Plot.prototype.hover = function (ev) {
		var p = this.at(ev), i = this.nearest(p.x), s = this.spec;
		if (i < 0 || p.sx < ML || p.sx > W - MR) { this.tip.style.display = 'none'; return; }
		var xv = s.xLabels ? s.xLabels[s.x[i]] : s.time ? isoTime(s.x[i]) : fmtShort(s.x[i]) + ' ' + (s.xName || 'h');
		var h = '<b>' + esc(xv) + '</b>';
		s.series.forEach(function (c) { h += '<br><span style="color:' + c.color + '">■</span> ' + esc(c.name) + ': ' + esc(fmtExact(c.y[i])); });
		(s.bands || []).forEach(function (b) { h += '<br>' + esc(b.name) + ': ' + esc(fmtExact(b.lo[i])) + ' – ' + esc(fmtExact(b.hi[i])); });
		this.tip.innerHTML = h;
		this.tip.style.display = 'block';
		var svg = this.area.firstChild, r = svg.getBoundingClientRect(), k = r.width / W, cx = this.sx(s.x[i]);
		svg.querySelector('.cursor').setAttribute('x1', cx);
		svg.querySelector('.cursor').setAttribute('x2', cx);
		var left = cx * k + 12;
		if (left + this.tip.offsetWidth > r.width) left = cx * k - this.tip.offsetWidth - 12;
		this.tip.style.left = Math.max(0, left) + 'px';
		this.tip.style.top = (MT * k) + 'px';
	};
	Plot.prototype.listen = function () {
		var self = this, drag = null;
		if (this.spec.xLabels) {
			this.area.addEventListener('mousemove', function (ev) { self.hover(ev); });
			this.area.addEventListener('mouseleave', function () { self.tip.style.display = 'none'; });
			return;
		}
		this.area.addEventListener('mousedown', function (ev) { drag = self.at(ev); ev.preventDefault(); });
		this.area.addEventListener('mousemove', function (ev) {
			self.hover(ev);
			if (!drag) return;
			var p = self.at(ev), sel = self.area.querySelector('.sel');
			sel.setAttribute('x', Math.min(p.sx, drag.sx));
			sel.setAttribute('width', Math.abs(p.sx - drag.sx));
		});
		window.addEventListener('mouseup', function (ev) {
			if (!drag) return;
			var p = self.at(ev), a = Math.min(p.x, drag.x), b = Math.max(p.x, drag.x);
			drag = null;
			a = Math.max(a, self.full[0]);
			b = Math.min(b, self.full[1]);
			if (Math.abs(p.sx - self.sx(a)) > 0 && b - a > (self.view[1] - self.view[0]) / 200) self.view = [a, b];
			self.draw();
		});
		this.area.addEventListener('dblclick', function () { self.view = self.full.slice(); self.draw(); });
		this.area.addEventListener('mouseleave', function () { self.tip.style.display = 'none'; });
	};

	function addPlot(parent, spec) {
		var box = el('div');
		parent.appendChild(box);
		return new Plot(box, spec);
	}
	/* A plot with a choice of what it draws: options [[name, spec]]. */
	function addChoicePlot(parent, title, options) {
		var wrap = el('div'), sel = el('select'), box = el('div');
		options.forEach(function (o, i) { var op = el('option', '', esc(o[0])); op.value = i; sel.appendChild(op); });
		wrap.appendChild(el('span', 'ctl', esc(title) + ': '));
		wrap.appendChild(sel);
		wrap.appendChild(box);
		parent.appendChild(wrap);
		var plot = new Plot(box, options[0][1]);
		sel.addEventListener('change', function () {
			plot.spec = options[+sel.value][1];
			plot.full = plot.view = null;
			Plot.call(plot, box, plot.spec);
			ST.plots--;
			PLOTS.pop();
		});
	}

	/* ---- the folders, by kind ---- */

	function historyPoints(sum, color) {
		return (sum.history || []).map(function (h) {
			var t = Date.parse(h.time) / 1000, m = h.measured;
			return { x: t, y: m, kind: h.kind, color: color, name: 'measured ' + (h.kind === 'lower_bound' ? '> ' : '') + fmtExact(m) + ' at ' + h.time };
		});
	}
	function scenarioBlock(sum) {
		var p = sum.provenance || {}, h = '<h3>Provenance</h3>' + figureTable(Object.keys(p).filter(function (k) { return k !== 'scenario'; }).map(function (k) { return [label(k), p[k]]; }));
		if (p.scenario) h += '<h3>Scenario</h3><details><summary>the resolved scenario (an .ini that re-runs it)</summary><pre>' + esc(p.scenario) + '</pre></details>';
		return h;
	}
	function filesBlock(f) {
		return '<h3>Files</h3>' + figureTable(Object.keys(f.files).map(function (k) { return [k, fmtExact(f.files[k]) + ' bytes']; }));
	}
	function thinNote(t) {
		return t.stride > 1 ? '<p class="note">Plotted: one row in ' + t.stride + ' of ' + fmtExact(t.rows) + ' (and the last); the file has them all.</p>' : '';
	}
	function runHead(sum) {
		var desc = /description = ([^\n]*)/.exec((sum.provenance || {}).scenario || '');
		return (desc ? '<p>' + esc(desc[1]) + '</p>' : '') + figureTable([
			['scenario', sum.scenario, 'scenario'], ['seed', sum.seed, 'seed'], ['engine', sum.engine, 'engine'],
			['start', sum.start, 'start'], ['end', sum.end, 'end'], ['vulnerable hosts', sum.vulnerable, 'vulnerable'],
			['probes', sum.probes, 'probes']]);
	}
	function figureSections(sum, keys) {
		var h = '';
		keys.forEach(function (k) { if (sum[k]) h += '<h3>' + esc(label(k)) + '</h3>' + figureTable(flatten(sum[k], k, '', [])); });
		return h;
	}
	function historyTable(sum) {
		if (!sum.history || !sum.history.length) return '';
		var h = '<h3>Historical figures</h3><table><tr><th>time</th><th>measured</th><th>kind</th><th>simulated</th></tr>';
		sum.history.forEach(function (r, i) {
			var b = 'history.' + i + '.';
			h += '<tr><td data-key="' + b + 'time" data-text="1">' + esc(r.time) + '</td><td class="num" data-key="' + b + 'measured">' + esc(fmtExact(r.measured)) +
				'</td><td>' + esc(label(r.kind)) + '</td><td class="num" data-key="' + b + 'simulated_cumulative_infected">' + esc(fmtExact(r.simulated_cumulative_infected)) + '</td></tr>';
		});
		return h + '</table>';
	}
	function renderRun(f, sec) {
		var sum = f.summary, t = f.series.timeline, d = t.data;
		sec.insertAdjacentHTML('beforeend', runHead(sum) + '<h3>Plots</h3>' + thinNote(t));
		addPlot(sec, { title: 'hosts', x: d.time, time: true, yName: 'hosts',
			series: [{ name: 'cumulative infected', y: d.cumulative_infected, color: COLORS[0] },
				{ name: 'active', y: d.active, color: COLORS[1] },
				{ name: 'telescope sources', y: d.telescope_sources, color: COLORS[2], dash: true }],
			points: historyPoints(sum, COLORS[0]) });
		addChoicePlot(sec, 'timeline column', t.columns.filter(function (c) { return c !== 'time'; }).map(function (c) {
			return [label(c), { title: c, x: d.time, time: true, yName: label(c), series: [{ name: label(c), y: d[c], color: COLORS[3] }] }];
		}));
		sec.insertAdjacentHTML('beforeend', historyTable(sum) + figureSections(sum, ['final', 'peaks', 'totals']));
	}
	function renderEnsemble(f, sec) {
		var sum = f.summary, q = f.series.quantiles, qs = q.quantiles, e = sum.ensemble;
		sec.insertAdjacentHTML('beforeend', runHead(sum) + figureTable([['seeds', e.seeds, 'ensemble.seeds'],
			['first seed', e.first_seed, 'ensemble.first_seed'], ['last seed', e.last_seed, 'ensemble.last_seed']]) + '<h3>Plots</h3>' +
			(q.stride > 1 ? '<p class="note">Plotted: one time in ' + q.stride + '; the file has them all.</p>' : ''));
		var mid = qs.indexOf(0.5), lo = 0, hi = qs.length - 1;
		addChoicePlot(sec, 'column', Object.keys(q.columns).map(function (c, k) {
			var per = q.columns[c], col = COLORS[k % COLORS.length];
			return [label(c), { title: c, x: q.time, time: true, yName: label(c),
				series: [{ name: (mid >= 0 ? 'median' : 'q' + qs[0]) + ' of ' + e.seeds + ' seeds', y: per[mid >= 0 ? mid : 0], color: col }],
				bands: qs.length > 1 ? [{ name: qs[lo] + '–' + qs[hi] + ' quantiles', lo: per[lo], hi: per[hi], color: col }] : [],
				points: c === 'cumulative_infected' ? historyPoints(sum, col) : [] }];
		}));
		var h = '<h3>Quantiles at the end (' + esc(e.final.time) + ')</h3><table><tr><th>column</th>';
		qs.forEach(function (v) { h += '<th>q' + esc(v) + '</th>'; });
		h += '</tr>';
		Object.keys(e.final.columns).forEach(function (c) {
			h += '<tr><th>' + esc(label(c)) + '</th>';
			e.final.columns[c].forEach(function (v, i) { h += '<td class="num" data-key="ensemble.final.columns.' + esc(c) + '.' + i + '">' + esc(fmtExact(v)) + '</td>'; });
			h += '</tr>';
		});
		sec.insertAdjacentHTML('beforeend', h + '</table><p class="note">The figures below are the first seed\'s run.</p>' +
			historyTable(sum) + figureSections(sum, ['final', 'peaks', 'totals']));
	}
	function comboName(c) {
		return Object.keys(c.vary).map(function (k) { return k + '=' + c.vary[k]; }).join(', ');
	}
	function comboValues(c) {
		return Object.keys(c.vary).map(function (k) { return c.vary[k]; }).join(', ');
	}
	function renderSweep(f, sec) {
		var sum = f.summary, combos = sum.combinations || [];
		sec.insertAdjacentHTML('beforeend', figureTable([['scenario', sum.scenario, 'scenario'],
			['runs per combination', sum.runs_per_combination, 'runs_per_combination'], ['first seed', sum.first_seed, 'first_seed'],
			['combinations', combos.length]]) + '<h3>Plot</h3>');
		var outs = combos.length ? Object.keys(combos[0].outcomes) : [], x = combos.map(function (c, i) { return i; });
		if (outs.length) addChoicePlot(sec, 'outcome', outs.map(function (o) {
			function get(k) { return combos.map(function (c) { return c.outcomes[o][k]; }); }
			return [label(o), { title: o, x: x, xLabels: combos.map(comboValues), xName: combos.length ? Object.keys(combos[0].vary).join(', ') : '', yName: label(o),
				series: [{ name: 'mean', y: get('mean'), color: COLORS[0], marks: true }],
				bands: [{ name: '95% interval of the mean', lo: get('lo'), hi: get('hi'), color: COLORS[0] },
					{ name: '5–95% of runs', lo: get('p5'), hi: get('p95'), color: COLORS[3] }] }];
		}));
		var h = '<h3>Outcomes: mean [95% interval]</h3><div class="scroll"><table><tr><th>combination</th>';
		outs.forEach(function (o) { h += '<th>' + esc(label(o)) + '</th>'; });
		h += '</tr>';
		combos.forEach(function (c, i) {
			h += '<tr><th>' + esc(comboName(c)) + '</th>';
			outs.forEach(function (o) {
				var b = 'combinations.' + i + '.outcomes.' + o + '.', v = c.outcomes[o];
				h += '<td class="num"><span data-key="' + esc(b) + 'mean">' + esc(fmtExact(v.mean)) + '</span><br><small>[<span data-key="' + esc(b) + 'lo">' +
					esc(fmtExact(v.lo)) + '</span>, <span data-key="' + esc(b) + 'hi">' + esc(fmtExact(v.hi)) + '</span>]</small></td>';
			});
			h += '</tr>';
		});
		h += '</table></div>';
		h += '<h3>sweep.csv</h3>' + csvTable(f.tables.sweep) + '<h3>runs.csv</h3>' + csvTable(f.tables.runs);
		sec.insertAdjacentHTML('beforeend', h);
	}
	function renderDetect(f, sec) {
		var sum = f.summary, t = f.series.timeline, d = t.data;
		sec.insertAdjacentHTML('beforeend', '<p>Inputs: ' + esc((sum.inputs || []).join(', ')) + '</p>' +
			figureTable([['worm sources', sum.worm_sources, 'worm_sources'], ['bin (s)', sum.bin_seconds, 'bin_seconds']]) + '<h3>Plots</h3>' + thinNote(t));
		var per = t.columns.filter(function (c) { return /_cumulative_sources$/.test(c); });
		addPlot(sec, { title: 'sources', x: d.time, time: !t.time_hours, yName: 'distinct sources',
			series: [{ name: 'all kinds', y: d.cumulative_sources, color: COLORS[7] }].concat(per.map(function (c, i) {
				return { name: c.replace(/_cumulative_sources$/, ''), y: d[c], color: COLORS[i % 7] };
			})) });
		if (d.requests) addPlot(sec, { title: 'requests', x: d.time, time: !t.time_hours, yName: 'requests per bin',
			series: [{ name: 'worm requests per bin', y: d.requests, color: COLORS[1] }, { name: 'new sources', y: d.new_sources, color: COLORS[2] }] });
		var h = '<h3>Kinds</h3><table><tr><th>kind</th><th>requests</th><th>sources</th><th>first seen</th><th>last seen</th></tr>';
		Object.keys(sum.kinds || {}).forEach(function (k) {
			var v = sum.kinds[k], b = 'kinds.' + k + '.';
			h += '<tr><th>' + esc(k) + '</th><td class="num" data-key="' + esc(b) + 'requests">' + esc(fmtExact(v.requests)) + '</td><td class="num" data-key="' + esc(b) + 'sources">' +
				esc(fmtExact(v.sources)) + '</td><td>' + esc(fmtExact(v.first_seen)) + '</td><td>' + esc(fmtExact(v.last_seen)) + '</td></tr>';
		});
		h += '</table>' + figureSections(sum, ['input_stats', 'window']);
		h += '<h3>Sources</h3>' + csvTable(f.tables.sources);
		sec.insertAdjacentHTML('beforeend', h);
	}
	function fitParams(m, i) {
		var rows = [];
		Object.keys(m.parameters).forEach(function (k) {
			var p = m.parameters[k], b = 'models.' + i + '.parameters.' + k + '.';
			rows.push('<tr><th>' + esc(k) + '</th><td class="num" data-key="' + esc(b) + 'value">' + esc(fmtExact(p.value)) + '</td><td class="num" data-key="' + esc(b) +
				'lo95">' + esc(fmtExact(p.lo95)) + '</td><td class="num" data-key="' + esc(b) + 'hi95">' + esc(fmtExact(p.hi95)) + '</td><td>' + esc(p.unit || '') + '</td><td>' + esc(p.meaning || '') + '</td></tr>');
		});
		return '<table><tr><th>parameter</th><th>value</th><th>95% low</th><th>95% high</th><th>unit</th><th>meaning</th></tr>' + rows.join('') + '</table>';
	}
	function renderFit(f, sec) {
		var sum = f.summary, t = f.series.forecast, d = t.data, inp = sum.input || {}, fc = sum.forecast || {};
		sec.insertAdjacentHTML('beforeend', '<p>Series: ' + esc(inp.file) + ', column ' + esc(inp.column) + ' (' + esc(inp.points) + ' points, ' + esc(inp.counts) + ' counts)</p>' +
			figureTable([['model', sum.model, 'model'], ['chosen by', sum.chosen_by, 'chosen_by']]) + '<h3>Forecast</h3>' + thinNote(t));
		var series = [{ name: 'fit', y: d.fit, color: COLORS[0] }], bands = [];
		if (d.pred_lo95) bands.push({ name: '95% prediction', lo: d.pred_lo95, hi: d.pred_hi95, color: COLORS[3] });
		if (d.conf_lo95) bands.push({ name: '95% confidence', lo: d.conf_lo95, hi: d.conf_hi95, color: COLORS[0] });
		var obs = f.series.observed, points = [];
		if (obs && obs.time_hours === t.time_hours) {
			var every = Math.ceil(obs.data.time.length / 150);
			obs.data.time.forEach(function (x, i) {
				var y = obs.data[inp.column][i];
				if (isNum(x) && isNum(y) && i % every === 0) points.push({ x: x, y: y, kind: 'estimate', color: COLORS[7], small: true, name: 'observed ' + fmtExact(y) });
			});
			if (obs.stride * every > 1) sec.insertAdjacentHTML('beforeend', '<p class="note">Observed: one point in ' + obs.stride * every + ' drawn.</p>');
		} else {
			sec.insertAdjacentHTML('beforeend', '<p class="note">The series fitted (' + esc(inp.file) + ') is not drawn: the report draws it only when it is where fit.json says, seen from where the report was made, with its times in a column named time.</p>');
		}
		addPlot(sec, { title: 'forecast', x: d.time, time: !t.time_hours, yName: inp.column || 'count', series: series, bands: bands, points: points,
			legendPoints: points.length ? 'observed (' + inp.column + ')' : '' });
		var h = '';
		['eventual_size', 'peak_rate_per_hour', 'peak_time', 't50', 't90'].forEach(function (k) {
			var v = fc[k];
			if (!v) return;
			var b = 'forecast.' + k + '.', text = typeof v.value === 'string' ? ' data-text="1"' : '';
			h += '<tr><th>' + esc(label(k)) + '</th><td class="num" data-key="' + b + 'value"' + text + '>' + esc(fmtExact(v.value)) + '</td><td class="num" data-key="' + b + 'lo95"' + text + '>' +
				esc(fmtExact(v.lo95)) + '</td><td class="num" data-key="' + b + 'hi95"' + text + '>' + esc(fmtExact(v.hi95)) + '</td></tr>';
		});
		if (h) sec.insertAdjacentHTML('beforeend', '<table><tr><th></th><th>value</th><th>95% low</th><th>95% high</th></tr>' + h + '</table>');
		h = '';
		(sum.models || []).forEach(function (m, i) {
			h += '<h3>' + esc(m.model) + ': ' + esc(m.title) + (m.model === sum.model ? ' (chosen)' : '') + '</h3>' + fitParams(m, i) +
				figureTable(flatten(m.goodness, 'models.' + i + '.goodness', '', []));
		});
		(sum.warnings || []).forEach(function (w) { h += '<p class="note">Warning: ' + esc(w) + '</p>'; });
		sec.insertAdjacentHTML('beforeend', h);
	}

	var RENDER = { run: renderRun, ensemble: renderEnsemble, sweep: renderSweep, detect: renderDetect, fit: renderFit };

	/* Every data-key's text read back as the value it shows. */
	function shownValues(sec) {
		var out = {};
		Array.prototype.forEach.call(sec.querySelectorAll('[data-key]'), function (e) {
			var s = e.textContent.trim(), v;
			if (e.hasAttribute('data-text')) v = s;
			else if (s === '—') v = null;
			else if (s === 'true' || s === 'false') v = s === 'true';
			else if (/^-?[\d,]+(\.\d+)?(e[+-]?\d+)?$/i.test(s)) v = Number(s.replace(/,/g, ''));
			else v = s;
			out[e.getAttribute('data-key')] = v;
		});
		return out;
	}
	function countPoints() {
		Array.prototype.forEach.call(document.querySelectorAll('svg.chart'), function (svg) {
			var n = 0;
			Array.prototype.forEach.call(svg.querySelectorAll('path.series'), function (p) {
				n += ((p.getAttribute('d') || '').match(/[ML]/g) || []).length;
			});
			if (n > 0) ST.plots_with_points++;
			ST.points += n;
		});
	}
	/* With #selftest in the address: the first plot is dragged across, hovered
	 * and double-clicked as a user would, and what happened is recorded. */
	function exercise() {
		var p = PLOTS[0];
		if (location.hash !== '#selftest' || !p) return;
		function points() { return ((p.area.querySelector('path.series').getAttribute('d') || '').match(/[ML]/g) || []).length; }
		function fire(target, type, frac) {
			var r = p.area.firstChild.getBoundingClientRect();
			target.dispatchEvent(new MouseEvent(type, { bubbles: true, clientX: r.left + r.width * frac, clientY: r.top + r.height / 2 }));
		}
		var before = points(), full = p.view.slice();
		fire(p.area, 'mousedown', 0.4);
		fire(p.area, 'mousemove', 0.6);
		fire(window, 'mouseup', 0.6);
		var zoomed = p.view[0] > full[0] && p.view[1] < full[1], after = points();
		fire(p.area, 'mousemove', 0.5);
		var tip = p.tip.style.display === 'block' ? p.tip.textContent : '';
		fire(p.area, 'dblclick', 0.5);
		ST.interaction = { zoomed: zoomed, points_before: before, points_zoomed: after, hover: tip,
			reset: p.view[0] === full[0] && p.view[1] === full[1] && points() === before };
	}
	function writeSelftest() {
		var pre = document.getElementById('selftest');
		if (pre) pre.textContent = JSON.stringify(ST);
	}

	function main() {
		var folders = JSON.parse(document.getElementById('data').textContent), main = document.getElementById('folders');
		main.style.setProperty('--n', String(Math.min(folders.length, 3)));
		document.title = 'wormcast report: ' + folders.map(function (f) { return f.dir; }).join(', ');
		folders.forEach(function (f) {
			var sec = el('section', 'folder');
			sec.innerHTML = '<h2><span class="kind">' + esc(f.kind) + '</span>' + esc(f.dir) + '</h2>';
			main.appendChild(sec);
			var entry = { dir: f.dir, kind: f.kind, shown: {} };
			ST.folders.push(entry);
			try {
				RENDER[f.kind](f, sec);
				sec.insertAdjacentHTML('beforeend', scenarioBlock(f.summary) + filesBlock(f));
			} catch (e) {
				ST.errors.push(f.dir + ': ' + (e && e.stack ? e.stack : String(e)));
				sec.insertAdjacentHTML('beforeend', '<p class="err">This folder could not be drawn: ' + esc(e) + '</p>');
			}
			entry.shown = shownValues(sec);
		});
		countPoints();
		exercise();
		writeSelftest();
	}
	try {
		main();
	} catch (e) {
		ST.errors.push(e && e.stack ? e.stack : String(e));
		writeSelftest();
	}
})();
