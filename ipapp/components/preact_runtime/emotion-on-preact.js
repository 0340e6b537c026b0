// "@emotion/react" for the whole build: its jsx is createElement plus a `css` prop, which only
// Reflex's own crash page uses, with flat style objects; those become inline styles here.
// (Emotion's runtime, about 11 KiB brotli, would otherwise load for that page alone; ipapp's own
// components pass none: tests/browser/test_build_weight.py.) Nested selectors would be dropped.
import { createElement } from "react";

function flatStyle(css) {
  const style = {};
  for (const [name, value] of Object.entries(css)) {
    if (typeof value === "string" || typeof value === "number") style[name] = value;
  }
  return style;
}

export function jsx(type, props, ...children) {
  if (props && props.css) {
    const { css, ...rest } = props;
    props = { ...rest, style: { ...flatStyle(css), ...rest.style } };
  }
  return createElement(type, props, ...children);
}
