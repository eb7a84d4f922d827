"""An independent, minimal PyTorch A2C for Step 1 (the random tabular pool), written from the paper's description.

Not part of the library: a cross-check of `src/learners/a2c.ts` by a second implementation in another framework,
sharing no code with it. It answers one question: does a plain implementation of the paper's A2C at Table 2's
Step-1 settings also collapse into always-defect within a few dozen updates, as ours does (data/studies/README.md,
"a2c-step1-torch")? Same game (R, S, T, P) = (1, -1, 2, 0), same pool (five cooperation probabilities ~ U(0, 1),
fresh per episode), same network (linear 5 -> 32 embedding, GRU 128, swish, policy and value heads), same loss
(mean over the B*T decisions of -log pi * A + c_v (G - V)^2 - c_e H), GAE and TD(lambda) with V = 0 after round 99,
advantage centering, Adam eps 1e-5, global-norm clip 1.0. PyTorch's default initialisation.

Set-up (Debian 12; both packages come from Debian's archive):
    apt-get install -y python3-torch libopenblas0-pthread
Run (one seed, 150 updates at batch 256, about 2.5 min on one core):
    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 scripts/crosscheck/a2c_step1_torch.py --seed 0 --iterations 150 --out DIR
Writes DIR/seed-<n>.json: per-update cooperation, reward, entropy and gradient norm, and the final agent's
cooperation against TFT, ALLD and ALLC by round window.
"""
import argparse, json, os, time

import torch
import torch.nn as nn

p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
p.add_argument('--seed', type=int, required=True)
p.add_argument('--iterations', type=int, default=150)
p.add_argument('--batch', type=int, default=256)
p.add_argument('--no-swish', action='store_true', help='heads read the GRU state directly (a plain PyTorch GRU policy)')
p.add_argument('--out', required=True)
args = p.parse_args()
if args.iterations < 1 or args.batch < 1:
    p.error('--iterations and --batch must be positive')

torch.set_num_threads(1)
torch.manual_seed(args.seed)

# Table 2, Step 1.
ROUNDS, LR, REWARD_SCALE, GAMMA, LAMBDA, VALUE_COEF, ENTROPY_COEF, EPS, CLIP = 100, 5e-3, 0.2, 0.99, 0.99, 0.5, 1e-3, 1e-5, 1.0
# Own payoff by (own action, co-player action), 0 = C, 1 = D.
PAYOFF = torch.tensor([[1.0, -1.0], [2.0, 0.0]])
START = 0


def outcome(own, other):
    """First-person observation index: Start = 0, then CC, CD, DC, DD = 1 + 2*own + other."""
    return 1 + 2 * own + other


class Policy(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Linear(5, 32)
        self.gru = nn.GRU(32, 128, batch_first=True)
        self.pi = nn.Linear(128, 2)
        self.value = nn.Linear(128, 1)

    def forward(self, x, h):
        y, h = self.gru(self.embed(x), h)
        if not args.no_swish:
            y = y * torch.sigmoid(y)
        return self.pi(y), self.value(y).squeeze(-1), h


net = Policy()
opt = torch.optim.Adam(net.parameters(), lr=LR, eps=EPS)


@torch.no_grad()
def play(q):
    """B episodes of the agent against memory-one co-players q [B, 5] (P(C) after Start, CC, CD, DC, DD, own view)."""
    b = q.shape[0]
    h = torch.zeros(1, b, 128)
    rows = torch.arange(b)
    xs, acts, rews = [], [], []
    a_prev = c_prev = None
    for t in range(ROUNDS):
        x = torch.zeros(b, 5)
        x[rows, START if t == 0 else outcome(a_prev, c_prev)] = 1
        logits, _, h = net(x[:, None], h)
        a = torch.distributions.Categorical(logits=logits[:, 0]).sample()
        state = torch.full((b,), START) if t == 0 else outcome(c_prev, a_prev)
        c = (torch.rand(b) >= q.gather(1, state[:, None]).squeeze(1)).long()
        xs.append(x); acts.append(a); rews.append(PAYOFF[a, c])
        a_prev, c_prev = a, c
    return torch.stack(xs, 1), torch.stack(acts, 1), torch.stack(rews, 1)


def gae_and_returns(r, v):
    adv, ret = torch.zeros_like(r), torch.zeros_like(r)
    acc = g = next_v = torch.zeros(r.shape[0])
    for t in reversed(range(ROUNDS)):
        acc = r[:, t] + GAMMA * next_v - v[:, t] + GAMMA * LAMBDA * acc
        g = r[:, t] + GAMMA * ((1 - LAMBDA) * next_v + LAMBDA * g)
        adv[:, t], ret[:, t], next_v = acc, g, v[:, t]
    return adv, ret


log, t0 = [], time.time()
for it in range(1, args.iterations + 1):
    x, a, r = play(torch.rand(args.batch, 5))
    logits, v, _ = net(x, torch.zeros(1, args.batch, 128))
    adv, ret = gae_and_returns(r * REWARD_SCALE, v.detach())
    adv = adv - adv.mean()
    logp = torch.log_softmax(logits, -1)
    entropy = -(logp.exp() * logp).sum(-1)
    loss = -(logp.gather(2, a[..., None]).squeeze(-1) * adv).mean() + VALUE_COEF * ((v - ret) ** 2).mean() - ENTROPY_COEF * entropy.mean()
    opt.zero_grad()
    loss.backward()
    grad_norm = nn.utils.clip_grad_norm_(net.parameters(), CLIP).item()
    opt.step()
    row = dict(iteration=it, cooperation=(a == 0).float().mean().item(), reward=r.mean().item(), entropy=entropy.mean().item(), gradNorm=grad_norm)
    log.append(row)
    if it % 10 == 0 or it == args.iterations:
        print(f"seed {args.seed} it {it}: cooperation {row['cooperation']:.2e}, reward {row['reward']:.3f}, entropy {row['entropy']:.1e}, {time.time() - t0:.0f} s", flush=True)

WINDOWS = [(0, 1), (1, 5), (5, 20), (20, 60), (60, 100)]
named = {'TFT': [1, 1, 0, 1, 0], 'ALLD': [0, 0, 0, 0, 0], 'ALLC': [1, 1, 1, 1, 1]}
final = {}
for name, q in named.items():
    _, a, r = play(torch.tensor([q], dtype=torch.float32).repeat(512, 1))
    coop = (a == 0).float().mean(0)
    final[name] = dict(cooperationByWindow={f'{s}-{e - 1}': round(coop[s:e].mean().item(), 5) for s, e in WINDOWS}, reward=round(r.mean().item(), 4))
    print(name, final[name], flush=True)
os.makedirs(args.out, exist_ok=True)
with open(os.path.join(args.out, f'seed-{args.seed}.json'), 'w') as f:
    json.dump(dict(settings=vars(args), seconds=round(time.time() - t0, 1), train=log, final=final), f)
