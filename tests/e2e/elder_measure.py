"""Measuring a page against the MIIT 2021 age-friendly specs (issue 18 §1) in the
browser: computed font sizes, line heights, paragraph spacing, tap areas,
contrast and sideways scrolling.  ``measure(page, limits)`` returns the
violations (strings) and the smallest values found, with where they were.

What counts:
- text: every element with a visible text node of its own (``<title>`` and
  text that is visually hidden for screen readers — clipped to 1 px, or moved
  off screen like the skip link until focused — are not seen, so not
  measured); SVG text at its rendered size (font size × the drawing's scale);
  form fields by the text typed into them;
- line height: the ratio of computed line height to font size of every such
  element (``normal`` counts as 1.2);
- paragraph spacing: the gap between a ``<p>`` and the ``<p>`` after it,
  against the first one's line height;
- tap areas: every visible link, button, ``summary``, select, text field in the
  header, the menu (opened for the measurement), the switches under it, the
  offer banner and ``<main>``; a checkbox or radio button by its label, which
  is what a finger taps.  No exemptions: links in running text are block
  targets in elder mode too;
- contrast: text colour against the nearest opaque background (semi-transparent
  layers composited over it), WCAG's formula; "large" text (≥ 24 px, or bold and
  ≥ 18.66 px) needs ``large_contrast``;
- status words: a badge, flash message or error with no text would be colour
  alone;
- tables: on a phone (≤ 600 px) a table must have become a list.
"""

MEASURE_JS = r"""
(L) => {
  const problems = [];
  const mins = {};
  const seenAt = {};
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (typeof el.className === 'string' && el.className.trim())
      s += '.' + el.className.trim().split(/\s+/).join('.');
    const text = (el.innerText || el.textContent || el.value || el.getAttribute('aria-label') || '')
      .trim().replace(/\s+/g, ' ').slice(0, 40);
    return `${s} "${text}"`;
  };
  const note = (key, value, el) => {
    if (!(key in mins) || value < mins[key]) { mins[key] = Math.round(value * 100) / 100; seenAt[key] = describe(el); }
  };
  const shown = (el) => el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true});
  const clipped = (el) => {
    for (let a = el; a && a !== document.body; a = a.parentElement) {
      const cs = getComputedStyle(a);
      if (cs.clip && cs.clip !== 'auto' && (cs.position === 'absolute' || cs.position === 'fixed')) return true;
      const r = a.getBoundingClientRect();
      if (cs.overflow === 'hidden' && (r.width <= 2 || r.height <= 2)) return true;
    }
    return false;
  };
  const rgba = (text) => {
    const n = (text.match(/[\d.]+/g) || []).map(Number);
    return {r: n[0] || 0, g: n[1] || 0, b: n[2] || 0, a: n.length > 3 ? n[3] : 1};
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a), a: 1});
  const background = (el) => {
    const layers = [];
    for (let a = el; a; a = a.parentElement) {
      const c = rgba(getComputedStyle(a).backgroundColor);
      if (c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    let base = {r: 255, g: 255, b: 255, a: 1};
    for (let i = layers.length - 1; i >= 0; i--) base = over(layers[i], base);
    return base;
  };
  const luminance = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const contrast = (fg, bg) => {
    const a = luminance(over(fg, bg)), b = luminance(bg);
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  };
  const renderedSize = (el, cs) => {
    let size = parseFloat(cs.fontSize);
    if (el instanceof SVGElement && el.getScreenCTM) {
      const m = el.getScreenCTM();
      if (m) size *= Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
    }
    return size;
  };

  // Text
  const textElements = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    if (!el || el.closest('script, style, noscript, template, title, desc, option')) continue;
    if (textElements.has(el) || !shown(el)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const r = range.getBoundingClientRect();
    if (r.width < 1 || r.height < 1 || r.right <= 0 || r.bottom <= 0) continue;
    if (clipped(el)) continue;
    textElements.add(el);
  }
  const fields = [...document.querySelectorAll(
    'input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=file]), select, textarea')]
    .filter(shown);
  for (const el of [...textElements, ...fields]) {
    const cs = getComputedStyle(el);
    const size = renderedSize(el, cs);
    note('font_px', size, el);
    if (size < L.font - 0.01) problems.push(`font ${size.toFixed(1)} px < ${L.font}: ${describe(el)}`);
    if (!(el instanceof SVGElement) && !fields.includes(el)) {
      const lh = cs.lineHeight === 'normal' ? 1.2 * parseFloat(cs.fontSize) : parseFloat(cs.lineHeight);
      const ratio = lh / parseFloat(cs.fontSize);
      note('line_height_ratio', ratio, el);
      if (L.ratio && ratio < L.ratio - 0.001)
        problems.push(`line height ${ratio.toFixed(2)} < ${L.ratio}: ${describe(el)}`);
    }
    const fg = rgba(el instanceof SVGElement ? cs.fill : cs.color);
    const bg = background(el instanceof SVGElement ? el.closest('svg').parentElement : el);
    const ratio = contrast(fg, bg);
    const large = size >= 24 || (parseInt(cs.fontWeight, 10) >= 700 && size >= 18.66);
    const needed = large ? L.large_contrast : L.contrast;
    note('contrast', ratio, el);
    if (ratio < needed - 0.005)
      problems.push(`contrast ${ratio.toFixed(2)} < ${needed}: ${describe(el)} (${cs.color} on ${JSON.stringify(bg)})`);
  }

  // Paragraph spacing
  if (L.spacing) {
    for (const p of document.querySelectorAll('main p')) {
      const next = p.nextElementSibling;
      if (!next || next.tagName !== 'P' || !shown(p) || !shown(next)) continue;
      if (!p.textContent.trim() || !next.textContent.trim()) continue;
      const gap = next.getBoundingClientRect().top - p.getBoundingClientRect().bottom;
      const cs = getComputedStyle(p);
      const lh = cs.lineHeight === 'normal' ? 1.2 * parseFloat(cs.fontSize) : parseFloat(cs.lineHeight);
      note('paragraph_spacing_ratio', gap / lh, p);
      if (gap / lh < L.spacing - 0.01)
        problems.push(`paragraph spacing ${(gap / lh).toFixed(2)} × line height < ${L.spacing}: ${describe(p)}`);
    }
  }

  // Tap areas
  const targets = new Set();
  const scopes = 'header, .prefs, .elder-offer, main, nav';
  for (const el of document.querySelectorAll(
      'a[href], button, summary, select, textarea, input:not([type=hidden])')) {
    if (!el.closest(scopes)) continue;
    let target = el;
    if (el.matches('input[type=checkbox], input[type=radio]'))
      target = el.closest('label') || (el.id && document.querySelector(`label[for="${el.id}"]`)) || el;
    if (targets.has(target) || !shown(target) || clipped(target)) continue;
    const r = target.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= 0 || r.bottom <= 0) continue;
    targets.add(target);
    note('tap_px', Math.min(r.width, r.height), target);
    if (r.width < L.tap - 0.5 || r.height < L.tap - 0.5)
      problems.push(`tap area ${Math.round(r.width)}×${Math.round(r.height)} < ${L.tap}×${L.tap}: ${describe(target)}`);
  }

  // Status words: never colour alone
  for (const el of document.querySelectorAll('.badge, .flash, .error, .verdict')) {
    if (shown(el) && !el.textContent.trim()) problems.push(`a status with no words: ${describe(el)}`);
  }

  // Tables become lists on a phone
  if (L.tables && document.documentElement.clientWidth <= 600) {
    for (const table of document.querySelectorAll('main table')) {
      if (shown(table) && getComputedStyle(table).display === 'table')
        problems.push(`a table left as a table on a phone: ${describe(table)}`);
    }
  }

  // Sideways scrolling
  const width = document.documentElement.clientWidth;
  const scroll = document.scrollingElement.scrollWidth;
  if (scroll > width) {
    const wide = [...document.querySelectorAll('body *')].filter((el) => {
      const r = el.getBoundingClientRect();
      return r.right > width + 1 && getComputedStyle(el).position !== 'fixed' && shown(el);
    }).slice(0, 4).map(describe);
    problems.push(`scrolls sideways: ${scroll} > ${width} px (${wide.join('; ')})`);
  }
  return {problems, mins, where: seenAt, counts: {text: textElements.size, targets: targets.size}};
}
"""

OPEN_MENU_JS = "() => { const m = document.querySelector('details.menu'); if (m) m.open = true; }"

ELDER = {"font": 18, "ratio": 1.3, "spacing": 1.3, "tap": 60, "contrast": 4.5,
         "large_contrast": 3.0, "tables": True}
STANDARD = {"font": 0, "ratio": 0, "spacing": 0, "tap": 44, "contrast": 0,
            "large_contrast": 0, "tables": False}


def measure(page, limits):
    """The page as it is, then with the menu open (its links are measured too)."""
    page.evaluate(OPEN_MENU_JS)
    return page.evaluate(MEASURE_JS, limits)
