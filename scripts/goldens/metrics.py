#!/usr/bin/python3
"""Golden fixtures for smoothlab's metrics: an independent implementation in numpy (float64), not a
port of the TypeScript; writes test/fixtures/metrics.json.

The data: 600 samples, 10 classes, float32 logits from a deliberately overconfident "model"
(class 9 never occurs and is never predicted, so macro averages must leave it out), plus rows with
an exact tie for the top score and rows so confident that softmax gives exactly 1.0.
Reference definitions:
- accuracy micro = mean(argmax == label); macro = mean over classes present (label or top-1
  prediction) of per-class recall; top-k: label among the k largest scores.
- confusion[i][j] = #(label i, predicted j); 'true' divides rows by their sums.
- nll = mean(-log softmax[label]); brier = mean(sum_c (p_c - onehot_c)^2).
- calibration: confidence = max p, bins [b/n, (b+1)/n) (last closed), ECE = sum |acc - conf| * n_b / N,
  MCE = max over non-empty bins, RMS = sqrt(sum (acc - conf)^2 * n_b / N).
- temperature: the root of d NLL(logits * beta) / d beta found by bisection on beta (a different
  method from the library's Newton iteration), T = 1 / beta.
"""
import json
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "metrics.json")
N, C = 600, 10


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def data():
    rng = np.random.default_rng(12345)
    labels = rng.integers(0, C - 1, size=N)  # class 9 never occurs
    logits = rng.normal(0.0, 1.5, size=(N, C))
    logits[np.arange(N), labels] += rng.uniform(0.0, 5.0, size=N)  # right most of the time ...
    logits *= 2.5  # ... and overconfident: temperature scaling should find T > 1 and lower the ECE
    logits[:, C - 1] -= 20.0  # ... and never predicts class 9
    logits[0, :] = [4.0, 4.0, 1.0, 0.0, -1.0, 0.5, 0.25, -2.0, 0.0, -20.0]  # exact tie for the top score
    logits[1, :] = np.linspace(-3, 3, C); logits[1, 3] = 60.0; labels[1] = 3  # softmax gives exactly 1.0
    logits[2, :] = np.linspace(-3, 3, C); logits[2, 4] = 60.0; labels[2] = 5  # confident and wrong
    return logits.astype(np.float32), labels


def accuracy(scores, labels, k, average):
    topk = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    hit = (topk == labels[:, None]).any(axis=1)
    if average == "micro":
        return float(hit.mean())
    top1 = scores.argmax(axis=1)
    recalls, present = [], []
    for c in range(C):
        support = (labels == c).sum()
        recall = hit[labels == c].sum() / support if support else 0.0
        recalls.append(float(recall))
        present.append(bool(support > 0 or (k == 1 and (top1 == c).sum() > 0)))
    if average == "none":
        return recalls
    return float(np.mean([r for r, p in zip(recalls, present) if p]))


def calibration(p, labels, n_bins):
    conf, pred = p.max(axis=1), p.argmax(axis=1)
    correct = (pred == labels).astype(np.float64)
    edges = np.array([b / n_bins for b in range(n_bins + 1)])
    bins = np.clip(np.searchsorted(edges, conf, side="right") - 1, 0, n_bins - 1)
    ece, mce, sq, table = 0.0, 0.0, 0.0, []
    for b in range(n_bins):
        m = bins == b
        count = int(m.sum())
        if count == 0:
            table.append({"count": 0, "confidence": None, "accuracy": None})
            continue
        c, a = float(conf[m].mean()), float(correct[m].mean())
        ece += abs(a - c) * count / len(labels)
        sq += (a - c) ** 2 * count / len(labels)
        mce = max(mce, abs(a - c))
        table.append({"count": count, "confidence": c, "accuracy": a})
    return {"ece": ece, "mce": mce, "rms": float(np.sqrt(sq)), "bins": table}


def nll(z, labels):
    p = softmax(z)
    return float(-np.log(p[np.arange(len(labels)), labels]).mean())


def fit_temperature(z, labels):
    def dnll(beta):  # d/dbeta mean(logsumexp(beta z) - beta z_y) = mean(E_p[z] - z_y)
        p = softmax(beta * z)
        return float(((p * z).sum(axis=1) - z[np.arange(len(labels)), labels]).mean())
    lo, hi = 1e-6, 1.0
    while dnll(hi) < 0:
        hi *= 2
    for _ in range(200):
        mid = (lo + hi) / 2
        if dnll(mid) < 0:
            lo = mid
        else:
            hi = mid
    beta = (lo + hi) / 2
    return 1 / beta, nll(z * beta, labels)


def main():
    logits32, labels = data()
    z = logits32.astype(np.float64)
    p = softmax(z)
    onehot = np.eye(C)[labels]
    pred = z.argmax(axis=1)
    confusion = np.zeros((C, C))
    for y, q in zip(labels, pred):
        confusion[y, q] += 1
    rows = confusion.sum(axis=1, keepdims=True)
    temperature, nll_after = fit_temperature(z, labels)
    out = {
        "logits": {"dtype": "float32", "shape": [N, C], "data": logits32.flatten().tolist()},
        "labels": {"dtype": "int64", "shape": [N], "data": labels.tolist()},
        "probs": {"dtype": "float64", "shape": [N, C], "data": p.flatten().tolist()},
        "accuracy": {"micro": accuracy(z, labels, 1, "micro"), "macro": accuracy(z, labels, 1, "macro"),
                     "none": accuracy(z, labels, 1, "none"), "top3Micro": accuracy(z, labels, 3, "micro"),
                     "top3Macro": accuracy(z, labels, 3, "macro")},
        "confusion": confusion.astype(int).tolist(),
        "confusionTrue": np.divide(confusion, rows, out=np.zeros_like(confusion), where=rows > 0).tolist(),
        "nll": nll(z, labels),
        "brier": float(((p - onehot) ** 2).sum(axis=1).mean()),
        "calibration15": calibration(p, labels, 15),
        "calibration10": calibration(p, labels, 10),
        "temperature": temperature,
        "nllAfterTemperature": nll_after,
        "eceAfterTemperature": calibration(softmax(z / temperature), labels, 15)["ece"],
    }
    with open(OUT, "w") as f:
        json.dump(out, f)
        f.write("\n")
    print(f"wrote metrics of {N} samples to {os.path.normpath(OUT)}: accuracy {out['accuracy']['micro']:.4f}, "
          f"ECE {out['calibration15']['ece']:.4f}, T {temperature:.4f}")


if __name__ == "__main__":
    main()
