#!/bin/sh
# The papers' experiments on Fashion-MNIST, as the README's table reports them: cross-entropy and
# label smoothing (ε 0 and 0.1) and online label smoothing (Zhang et al. 2020), 3 seeds each, then
# students of the ε 0 and ε 0.1 teachers at T 2 (Müller, Kornblith & Hinton 2019, section 4).
# The quick preset's recipe on the first 5,000 training images; about 20 minutes on 2 cores.
# Usage: sh scripts/papers.sh [FOLDER] (default: runs); re-running resumes.
set -e
out=${1:-runs}
cli="node dist/src/cli/main.js"
common="--train-limit 5000 --seeds 3 --quiet"
$cli study --name papers-ls --epsilons 0,0.1 $common --out "$out/papers-ls"
$cli study --name papers-ols --loss ols --epsilons 0 $common --out "$out/papers-ols"
$cli distill --teachers "$out/papers-ls" --temperatures 2 --quiet
echo
echo "reports: $out/papers-ls/report.html (with the distillation section), $out/papers-ols/report.html"
