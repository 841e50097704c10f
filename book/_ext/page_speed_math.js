// Turn the site's formulas into MathML once, at build time, with the MathJax that
// sphinx-mathjax-offline ships (run by book/_ext/page_speed.py; Node.js, no npm package).
//
// stdin:  {"mathjax": "<its folder>", "formulas": [["<TeX>", <display: true|false>], ...]}
// stdout: {"mathml": ["<math …>…</math>", ...], "errors": [null | "<message>", ...]}
//
// Each formula is the MathML MathJax makes of its TeX (the same MathML it hides in its
// own output for screen readers); an error is a TeX error or an undefined macro.
"use strict";

const input = JSON.parse(require("fs").readFileSync(0, "utf8"));

global.MathJax = {
  loader: {
    paths: { mathjax: input.mathjax },
    require: require,
    load: ["adaptors/liteDOM", "input/tex"],
  },
  startup: { typeset: false },
};
require(input.mathjax + "/startup.js");

async function main() {
  await MathJax.startup.promise;
  const mathml = [];
  const errors = [];
  for (const [tex, display] of input.formulas) {
    const markup = await MathJax.tex2mmlPromise(tex, { display });
    const error = markup.match(/data-mjx-error="([^"]*)"|<mtext mathcolor="red">([^<]*)/);
    mathml.push(markup);
    errors.push(error ? error[1] || `undefined macro ${error[2]}` : null);
  }
  process.stdout.write(JSON.stringify({ mathml, errors }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
