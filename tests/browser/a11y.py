"""Accessibility checks run inside the page by the browser tests (no library downloaded or
vendored).

* ``check_contrast``: every visible piece of text (text nodes, the value of a field, a placeholder)
  against the background it is drawn on (the element's and its ancestors' background colours,
  composited, with the page's white canvas at the bottom): at least 4.5:1, or 3:1 for large text
  (24 px, or 18.66 px bold), as WCAG 2.1 AA 1.4.3 asks. Disabled controls are exempt, as in WCAG.
* ``check_keyboard``: pressing Tab from the top of the page reaches every visible link, button,
  field and ``summary`` once, in document order, never jumping back up the page or leftwards on the
  same line (2.4.3), and comes back round to the first one (no keyboard trap, 2.1.2); each one shows
  a focus outline at least 2 px wide whose colour stands out 3:1 from what surrounds it (2.4.7).
* ``check_a11y``: both, plus every field labelled.
"""

from __future__ import annotations

import itertools

# Colour arithmetic shared by the scripts below (sRGB relative luminance, WCAG's ratio).
_COLOUR = """
  const parse = (c) => {
    const m = /rgba?\\(([^)]+)\\)/.exec(c || '');
    if (!m) return null;
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const over = (top, bottom) => {
    const a = top.a + bottom.a * (1 - top.a);
    if (a === 0) return {r: 255, g: 255, b: 255, a: 0};
    const mix = (t, b) => (t * top.a + b * bottom.a * (1 - top.a)) / a;
    return {r: mix(top.r, bottom.r), g: mix(top.g, bottom.g), b: mix(top.b, bottom.b), a};
  };
  const lum = (c) => {
    const ch = (v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b);
  };
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const hex = (c) => '#'
    + [c.r, c.g, c.b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
  // The colour behind an element: its own and its ancestors' backgrounds over a white canvas.
  // Returns null when an image or gradient is behind it (not computable here, so reported).
  const backdrop = (el) => {
    const layers = [];
    for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
      const s = getComputedStyle(n);
      if (s.backgroundImage && s.backgroundImage !== 'none') return null;
      const c = parse(s.backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    let colour = {r: 255, g: 255, b: 255, a: 1};
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return colour;
  };
  const opacity = (el) => {
    let o = 1;
    for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
      o *= Number(getComputedStyle(n).opacity);
    }
    return o;
  };
  // Drawn where a sighted user can see it: has a box, is not hidden, clipped away or off the page.
  const shown = (el, offPage = false) => {
    if (!el.getClientRects().length) return false;
    // Inside a closed <details> (content-visibility: hidden) nothing is drawn or focusable.
    if (el.checkVisibility && !el.checkVisibility({contentVisibilityAuto: true})) return false;
    const s = getComputedStyle(el);
    if (s.visibility !== 'visible' || opacity(el) === 0) return false;
    for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
      const r = n.getBoundingClientRect();
      const st = getComputedStyle(n);
      const clipped = st.overflow === 'hidden' || st.clip !== 'auto';
      if (clipped && (r.width <= 1 || r.height <= 1)) return false;
    }
    const r = el.getBoundingClientRect();
    if (offPage) return r.width > 0 && r.height > 0;
    return r.right > 0 && r.bottom + window.scrollY > 0 && r.width > 0 && r.height > 0;
  };
  const describe = (el) => {
    let d = el.tagName.toLowerCase();
    if (el.id) d += '#' + el.id;
    else if (el.classList.length) d += '.' + [...el.classList].join('.');
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '')
      .trim().replace(/\\s+/g, ' ');
    return d + (text ? ' "' + text.slice(0, 40) + '"' : '');
  };
"""

CONTRAST = (
    """() => {"""
    + _COLOUR
    + """
  const failures = [];
  const seen = new Set();
  const large = (s) => {
    const px = parseFloat(s.fontSize);
    const weight = Number(s.fontWeight) || (s.fontWeight === 'bold' ? 700 : 400);
    return px >= 24 || (px >= 18.66 && weight >= 700);
  };
  const test = (el, colour, what) => {
    const s = getComputedStyle(el);
    const fg = parse(colour);
    const bg = backdrop(el);
    const key = el.tagName + '|' + colour + '|' + what + '|' + describe(el);
    if (seen.has(key)) return;
    seen.add(key);
    if (!bg) {
      failures.push({element: describe(el), what, problem: 'text over an image or gradient'});
      return;
    }
    const text = over({...fg, a: fg.a * opacity(el)}, bg);
    const r = ratio(text, bg);
    const need = large(s) ? 3 : 4.5;
    if (r < need) failures.push({element: describe(el), what, fg: hex(text), bg: hex(bg),
                                 ratio: Math.round(r * 100) / 100, need});
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.nodeValue.trim() || !el) continue;
    if (['SCRIPT', 'STYLE', 'NOSCRIPT', 'OPTION', 'TEMPLATE'].includes(el.tagName)) continue;
    if (el.closest('[disabled]') || !shown(el)) continue;
    test(el, getComputedStyle(el).color, 'text');
  }
  for (const el of document.querySelectorAll('input, select, textarea')) {
    const noText = [
      'hidden', 'checkbox', 'radio', 'file', 'submit', 'button', 'image', 'range', 'color',
    ];
    if (el.disabled || noText.includes(el.type) || !shown(el)) continue;
    if (el.tagName === 'SELECT' ? el.selectedIndex >= 0 : el.value) {
      test(el, getComputedStyle(el).color, 'value');
    } else if (el.placeholder) test(el, getComputedStyle(el, '::placeholder').color, 'placeholder');
  }
  return failures;
}"""
)

FOCUSABLE = (
    "a[href], area[href], button, input, select, textarea, summary, iframe, [tabindex], "
    "[contenteditable=true]"
)

# Records, on every focus change, which element has focus, where it is and how its focus is drawn.
RECORD_FOCUS = (
    """() => {"""
    + _COLOUR
    + """
  window.__focusLog = [];
  const ids = new Map();
  let next = 0;
  window.__focusId = (el) => { if (!ids.has(el)) ids.set(el, next++); return ids.get(el); };
  document.addEventListener('focusin', (event) => {
    const el = event.target;
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    const width = parseFloat(s.outlineWidth) || 0;
    const outline = s.outlineStyle !== 'none' && width > 0 ? parse(s.outlineColor) : null;
    // The outline is drawn outside the element (offset >= 0) over its parent's background, or
    // inside it.
    const outside = Number.parseFloat(s.outlineOffset) >= 0 && el.parentElement;
    const around = outside ? backdrop(el.parentElement) : backdrop(el);
    window.__focusLog.push({
      id: window.__focusId(el), element: describe(el),
      top: r.top + window.scrollY, bottom: r.bottom + window.scrollY, left: r.left, right: r.right,
      outline: s.outlineStyle, outlineWidth: width,
      outlineContrast: outline && around
        ? Math.round(ratio(over(outline, around), around) * 100) / 100 : 0,
      boxShadow: s.boxShadow,
    });
  }, true);
}"""
)

# The elements Tab should reach, in document order (positive tabindex is reported separately).
EXPECTED_STOPS = (
    """(selector) => {"""
    + _COLOUR
    + """
  const stops = [];
  const positive = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.tabIndex > 0) positive.push(describe(el));
    if (el.tabIndex < 0 || el.disabled || el.closest('[inert]') || (el.type === 'hidden')) continue;
    if (el.tagName === 'SUMMARY' && el.parentElement.querySelector('summary') !== el) continue;
    // Off the page counts: a skip link waits there until it has focus.
    if (!shown(el, true)) continue;
    // A radio group is one stop unless none is checked (the browser moves within it with the
    // arrows).
    if (el.type === 'radio' && el.name) {
      const group = [...document.querySelectorAll('input[type=radio]')]
        .filter((r) => r.name === el.name && r.form === el.form);
      const checked = group.find((r) => r.checked);
      if ((checked && checked !== el) || (!checked && group[0] !== el)) continue;
    }
    stops.push({id: window.__focusId(el), element: describe(el)});
  }
  return {stops, positive};
}"""
)


def check_contrast(page, what: str) -> None:
    failures = page.evaluate(CONTRAST)
    assert not failures, f"{what}: text below the AA contrast ratio: {failures[:8]}"


def tab_walk(page, *, limit: int = 400) -> tuple[list[dict], list[dict], list[str]]:
    """Tab from the top of the page until focus comes back round to the first stop.

    Returns the expected stops, the focus log and the elements with a positive tabindex.
    """
    page.wait_for_load_state("networkidle")  # htmx fragments (the notifications badge) in place
    page.evaluate(RECORD_FOCUS)
    expected = page.evaluate(EXPECTED_STOPS, FOCUSABLE)
    stops = expected["stops"]
    # Start from the top of the document (an autofocus field, such as the sign-in's user name,
    # would otherwise be where Tab starts from); the body takes focus for a moment to move there.
    page.evaluate(
        """() => {
        document.body.tabIndex = -1; document.body.focus(); document.body.blur();
        document.body.removeAttribute('tabindex'); window.scrollTo(0, 0); window.__focusLog = [];
    }"""
    )
    first = stops[0]["id"] if stops else None
    for _ in range(min(limit, 2 * len(stops) + 4)):
        page.keyboard.press("Tab")
        log = page.evaluate("() => window.__focusLog.length")
        if log > len(stops) and page.evaluate("() => window.__focusLog.at(-1).id") == first:
            break
    return stops, page.evaluate("() => window.__focusLog"), expected["positive"]


def check_keyboard(page, what: str) -> None:
    stops, log, positive = tab_walk(page)
    assert not positive, f"{what}: positive tabindex reorders the page: {positive}"
    assert stops, f"{what}: nothing on the page can be reached with the keyboard"
    reached = [entry["id"] for entry in log]
    expected = [stop["id"] for stop in stops]
    # Focus goes through every stop in document order, then (after the browser's own controls)
    # wraps.
    walked = reached[: len(expected)]
    missing = [s["element"] for s in stops if s["id"] not in reached]
    assert not missing, f"{what}: not reachable with Tab: {missing[:10]}"
    if walked != expected:
        at = next(i for i, (a, b) in enumerate(zip(walked, expected, strict=False)) if a != b)
        names = {e["id"]: e["element"] for e in log} | {s["id"]: s["element"] for s in stops}
        raise AssertionError(
            f"{what}: Tab order differs from the page's order at stop {at}: "
            f"went to {names[walked[at]]}, expected {names[expected[at]]}"
        )
    assert len(reached) > len(expected) and reached[len(expected)] == expected[0], (
        f"{what}: focus does not come back round after the last element (a keyboard trap?)"
    )
    by_id = {entry["id"]: entry for entry in log}
    order = [by_id[i] for i in expected]
    for before, after in itertools.pairwise(order):
        above = after["bottom"] <= before["top"] - 1
        same_line = min(before["bottom"], after["bottom"]) - max(
            before["top"], after["top"]
        ) > 0.5 * min(before["bottom"] - before["top"], after["bottom"] - after["top"])
        leftwards = same_line and after["right"] <= before["left"]
        assert not (above or leftwards), (
            f"{what}: Tab jumps {'up the page' if above else 'back along the line'} "
            f"from {before['element']} to {after['element']}"
        )
    weak = [
        (e["element"], e["outline"], e["outlineWidth"], e["outlineContrast"])
        for e in order
        if e["outline"] in ("none", "") or e["outlineWidth"] < 2 or e["outlineContrast"] < 3
    ]
    assert not weak, (
        f"{what}: focus not clearly visible (element, style, width, contrast): {weak[:10]}"
    )


UNLABELLED = """() => {
  const unlabelled = [];
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (['hidden', 'submit', 'button'].includes(el.type)) continue;
    const named = (el.labels && el.labels.length) || el.getAttribute('aria-label')
      || el.getAttribute('aria-labelledby');
    if (!named) unlabelled.push(el.name || el.id || el.outerHTML.slice(0, 60));
  }
  return unlabelled;
}"""


def check_a11y(page, what: str) -> None:
    """Labels, contrast, and the keyboard walk (which moves focus: call it after other checks)."""
    unlabelled = page.evaluate(UNLABELLED)
    assert not unlabelled, f"{what}: inputs without a label: {unlabelled}"
    check_contrast(page, what)
    check_keyboard(page, what)
