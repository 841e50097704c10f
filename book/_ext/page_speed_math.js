// Typeset the site's formulas once, at build time, with the MathJax that
// sphinx-mathjax-offline ships (run by book/_ext/page_speed.py; Node.js, no npm package).
//
// stdin:  {"mathjax": "<its folder>", "fontURL": "<fonts, relative to the stylesheet>",
//          "formulas": [["<TeX>", <display: true|false>], ...]}
// stdout: {"html": ["<mjx-container …>", ...], "errors": [null | "<message>", ...],
//          "stylesheet": "<the CSS of every formula, fonts included>"}
//
// Each formula is what MathJax would put in the page (CommonHTML output, with the hidden
// MathML that screen readers read); an error is a TeX error or an undefined macro.
"use strict";

const input = JSON.parse(require("fs").readFileSync(0, "utf8"));

global.MathJax = {
  loader: {
    paths: { mathjax: input.mathjax },
    require: require,
    load: ["adaptors/liteDOM", "input/tex", "output/chtml", "a11y/assistive-mml"],
  },
  chtml: { fontURL: input.fontURL },
  startup: { typeset: false },
};
require(input.mathjax + "/startup.js");

async function main() {
  await MathJax.startup.promise;
  const adaptor = MathJax.startup.adaptor;
  const html = [];
  const errors = [];
  for (const [tex, display] of input.formulas) {
    const markup = adaptor.outerHTML(await MathJax.tex2chtmlPromise(tex, { display }));
    const error = markup.match(/data-mjx-error="([^"]*)"|<mtext mathcolor="red">([^<]*)/);
    html.push(markup);
    errors.push(error ? error[1] || `undefined macro ${error[2]}` : null);
  }
  const stylesheet = adaptor.textContent(MathJax.chtmlStylesheet());
  process.stdout.write(JSON.stringify({ html, errors, stylesheet }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
