"""The PyTorch peer of tapegrad's bench: W1, W2 and W3 of WORKLOADS.md in float64, on the exact
data the TypeScript side wrote (same initial parameters, symbols, targets and matrices).

Run by bench/src/peers/torch.ts as a child process:
    python3 torch_workloads.py DATA.json --threads 1 [--only W1,W2,W3] [--quick] [--check]
Prints one JSON object on stdout: the torch version, the BLAS library loaded, and per workload
the median seconds per call and the relative margin of error (95 %, as benchmark.js reports it).
With --check it also returns W1's loss and unclipped gradients on the data's check configuration.
"""
import argparse
import json
import re
import statistics
import sys
import time

import torch

PARAM_NAMES = ["W_rec", "W_in", "b", "W_out", "b_out"]
# Student t critical values (two-sided 95 %) by degrees of freedom, as benchmark.js uses
T_TABLE = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262,
           10: 2.228, 11: 2.201, 12: 2.179, 13: 2.16, 14: 2.145, 15: 2.131, 16: 2.12, 17: 2.11, 18: 2.101,
           19: 2.093, 20: 2.086, 21: 2.08, 22: 2.074, 23: 2.069, 24: 2.064, 25: 2.06, 26: 2.056,
           27: 2.052, 28: 2.048, 29: 2.045, 30: 2.042}


def measure(fn, warmup, min_samples, max_time, min_sample_time=0.05):
    """Median seconds per call over samples of several calls each (like benchmark.js)."""
    for _ in range(warmup):
        fn()
    start = time.perf_counter()
    fn()
    once = max(time.perf_counter() - start, 1e-9)
    count = max(1, int(min_sample_time / once))
    samples = []
    began = time.perf_counter()
    while len(samples) < min_samples or time.perf_counter() - began < max_time:
        t0 = time.perf_counter()
        for _ in range(count):
            fn()
        samples.append((time.perf_counter() - t0) / count)
    mean = statistics.fmean(samples)
    sem = statistics.stdev(samples) / len(samples) ** 0.5 if len(samples) > 1 else 0.0
    critical = T_TABLE.get(len(samples) - 1, 1.96)
    return {"median": statistics.median(samples), "rme": 100 * critical * sem / mean, "samples": len(samples)}


class W1:
    """The Elman RNN training step: forward over T steps, mean cross-entropy at the last step,
    backward, global-norm clipping, SGD (torch.optim.SGD, torch.nn.utils.clip_grad_norm_)."""

    def __init__(self, cfg, hyper):
        self.params = {name: torch.tensor(cfg["params"][name], dtype=torch.float64, requires_grad=True) for name in PARAM_NAMES}
        n_hidden, n_in, n_out = hyper["nHidden"], hyper["nIn"], hyper["nOut"]
        self.params["W_rec"].data = self.params["W_rec"].data.reshape(n_hidden, n_hidden)
        self.params["W_in"].data = self.params["W_in"].data.reshape(n_hidden, n_in)
        self.params["W_out"].data = self.params["W_out"].data.reshape(n_out, n_hidden)
        T, B = cfg["T"], cfg["B"]
        symbols = torch.tensor(cfg["symbols"], dtype=torch.int64).reshape(T, B)
        self.inputs = torch.nn.functional.one_hot(symbols, n_in).to(torch.float64)  # [T, B, n_in]
        self.targets = torch.tensor(cfg["targets"], dtype=torch.int64)
        self.clip = hyper["clipThreshold"]
        self.optimizer = torch.optim.SGD(list(self.params.values()), lr=hyper["learningRate"])

    def loss(self):
        p = self.params
        h = torch.zeros(self.inputs.shape[1], p["W_rec"].shape[0], dtype=torch.float64)
        for u in self.inputs:
            h = torch.tanh(h @ p["W_rec"].T + u @ p["W_in"].T + p["b"])
        y = h @ p["W_out"].T + p["b_out"]
        return torch.nn.functional.cross_entropy(y, self.targets)

    def step(self):
        self.optimizer.zero_grad(set_to_none=True)
        self.loss().backward()
        torch.nn.utils.clip_grad_norm_(list(self.params.values()), self.clip)
        self.optimizer.step()

    def gradients(self):
        self.optimizer.zero_grad(set_to_none=True)
        loss = self.loss()
        loss.backward()
        return {"loss": loss.item(), "grads": {name: self.params[name].grad.reshape(-1).tolist() for name in PARAM_NAMES}}


def w2(ops):
    x0 = torch.tensor([0.1, -0.2, 0.3, -0.4, 0.5, -0.6, 0.7, -0.8], dtype=torch.float64)

    def run():
        x = x0.clone().requires_grad_(True)
        h = x
        for i in range(ops):
            phase = i % 3
            h = h + 0.1 if phase == 0 else (h * 0.9 if phase == 1 else torch.tanh(h))
        h.sum().backward()

    return run


def w3(cfg, backward):
    n = cfg["n"]
    a = torch.tensor(cfg["a"], dtype=torch.float64).reshape(n, n)
    b = torch.tensor(cfg["b"], dtype=torch.float64).reshape(n, n)
    if not backward:
        return lambda: a @ b
    a.requires_grad_(True)
    b.requires_grad_(True)

    def run():
        a.grad = None
        b.grad = None
        (a @ b).sum().backward()

    return run


def blas_libraries():
    """The BLAS/LAPACK shared objects actually mapped into this process after a float64 matmul."""
    torch.ones(64, 64, dtype=torch.float64) @ torch.ones(64, 64, dtype=torch.float64)
    try:
        with open("/proc/self/maps") as maps:
            libs = {line.split()[-1] for line in maps if "blas" in line.lower() or "lapack" in line.lower() or "mkl" in line.lower()}
        return sorted(lib for lib in libs if lib.startswith("/"))
    except OSError:
        return []


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--only", default="W1,W2,W3")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    with open(args.data) as f:
        data = json.load(f)
    only = set(args.only.split(","))
    opts = (2, 5, 0.25) if args.quick else (5, 20, 2.0)
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas_libraries(),
           "blasInfo": " ".join(re.findall(r"(?:BLAS_INFO|LAPACK_INFO)=\w+", torch.__config__.show())) or "unknown",
           "results": {}}
    if args.check:
        out["check"] = W1(data["check"], data).gradients()
    if "W1" in only:
        for cfg in data["w1"]:
            out["results"][f"W1 T={cfg['T']} B={cfg['B']}"] = measure(W1(cfg, data).step, *opts)
    if "W2" in only:
        out["results"]["W2"] = measure(w2(data["w2Ops"]), *opts)
    if "W3" in only:
        for cfg in data["w3"]:
            out["results"][f"W3 n={cfg['n']} fwd"] = measure(w3(cfg, False), *opts)
            out["results"][f"W3 n={cfg['n']} fwd+bwd"] = measure(w3(cfg, True), *opts)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
