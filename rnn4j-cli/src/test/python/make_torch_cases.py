#!/usr/bin/env python3
"""Writes PyTorch reference cases (computed by PyTorch itself, not by rnn4j) in the conformance formats.

    /usr/bin/python3 make_torch_cases.py OUT_DIR     (Debian's python3-torch 1.13)

- OUT_DIR/torch/<name>.json: `rnn-holdout-torch-case/1` module cases (forward, h_n, c_n, loss and every
  gradient) for combinations the shared sample lacks.
- OUT_DIR/training/<name>.json: `rnn-torch-training/2` training cases (TRAINING-FORMAT.md): every
  optimizer type with non-default arguments, MSE and cross-entropy, heads on all steps and on the last
  step, gradient clipping, several cells, layers, directions and batch_first.
Values are drawn with seeded numpy and rounded to float32, so the float64 and float32 runs see the
same inputs, as in the shared cases.
"""
import json, os, sys
import numpy as np
import torch
import torch.nn as nn

torch.set_num_threads(1)
SOURCE = 'PyTorch %s (Debian package python3-torch), CPU, by make_torch_cases.py' % torch.__version__


def t(a):
    a = np.asarray(a, dtype=np.float64)
    return {'shape': list(a.shape), 'data': [float(v) for v in a.reshape(-1)]}


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def make_rnn(mode, c):
    kw = dict(input_size=c['input_size'], hidden_size=c['hidden_size'], num_layers=c['num_layers'],
              bias=c['bias'], batch_first=c['batch_first'], bidirectional=c['bidirectional'])
    if mode == 'LSTM':
        return nn.LSTM(**kw, proj_size=c.get('proj_size', 0))
    if mode == 'GRU':
        return nn.GRU(**kw)
    return nn.RNN(**kw, nonlinearity='tanh' if mode == 'RNN_TANH' else 'relu')


# ---------------------------------------------------------------------------------------------
# module cases

def module_case(name, mode, c, seq, batch, lengths=None, with_h0=True, with_c0=True, seed=0):
    rng = np.random.default_rng(seed)
    dirs = 2 if c['bidirectional'] else 1
    proj = c.get('proj_size', 0)
    hs = proj if proj else c['hidden_size']
    ref = make_rnn(mode, c)
    params = [(n, f32(rng.uniform(-0.7, 0.7, tuple(p.shape)))) for n, p in ref.named_parameters()]
    shape = (batch, seq, c['input_size']) if c['batch_first'] else (seq, batch, c['input_size'])
    x = f32(rng.normal(0, 1, shape))
    nl = c['num_layers'] * dirs
    h0 = f32(rng.normal(0, 0.5, (nl, batch, hs))) if with_h0 else None
    c0 = f32(rng.normal(0, 0.5, (nl, batch, c['hidden_size']))) if (mode == 'LSTM' and with_c0) else None
    out_shape = (batch, seq, dirs * hs) if c['batch_first'] else (seq, batch, dirs * hs)
    G = f32(rng.normal(0, 1, out_shape))
    Gh = f32(rng.normal(0, 1, (nl, batch, hs)))
    Gc = f32(rng.normal(0, 1, (nl, batch, c['hidden_size']))) if mode == 'LSTM' else None
    results = {}
    for dtype, key in ((torch.float64, 'float64'), (torch.float32, 'float32')):
        m = make_rnn(mode, c).to(dtype)
        with torch.no_grad():
            for (n, v) in params:
                dict(m.named_parameters())[n].copy_(torch.tensor(v, dtype=dtype))
        xt = torch.tensor(x, dtype=dtype, requires_grad=True)
        inp = xt
        if lengths is not None:
            inp = nn.utils.rnn.pack_padded_sequence(xt, torch.tensor(lengths), batch_first=c['batch_first'],
                                                    enforce_sorted=False)
        h0t = torch.tensor(h0, dtype=dtype, requires_grad=True) if h0 is not None else None
        c0t = torch.tensor(c0, dtype=dtype, requires_grad=True) if c0 is not None else None
        if mode == 'LSTM':
            state = None
            if h0t is not None or c0t is not None:
                hh = h0t if h0t is not None else torch.zeros(nl, batch, hs, dtype=dtype)
                cc = c0t if c0t is not None else torch.zeros(nl, batch, c['hidden_size'], dtype=dtype)
                state = (hh, cc)
            out, (hn, cn) = m(inp, state)
        else:
            out, hn = m(inp, h0t)
            cn = None
        if lengths is not None:
            out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=c['batch_first'], padding_value=0.0,
                                                      total_length=seq)
        loss = (out * torch.tensor(G, dtype=dtype)).sum() + (hn * torch.tensor(Gh, dtype=dtype)).sum()
        if cn is not None:
            loss = loss + (cn * torch.tensor(Gc, dtype=dtype)).sum()
        loss.backward()
        grad = {'input': t(xt.grad.numpy()), 'h0': t(h0t.grad.numpy()) if h0t is not None else None}
        if mode == 'LSTM':
            grad['c0'] = t(c0t.grad.numpy()) if c0t is not None else None
        for n, p in m.named_parameters():
            grad[n] = t(p.grad.numpy())
        r = {'output': t(out.detach().numpy()), 'h_n': t(hn.detach().numpy()), 'loss': float(loss.item()),
             'grad': grad}
        if cn is not None:
            r['c_n'] = t(cn.detach().numpy())
        results[key] = r
    cons = dict(c)
    cons['dropout'] = 0.0
    if mode.startswith('RNN'):
        cons['nonlinearity'] = 'tanh' if mode == 'RNN_TANH' else 'relu'
        cons.pop('proj_size', None)
    elif mode == 'LSTM':
        cons['proj_size'] = proj
    else:
        cons.pop('proj_size', None)
    case = {
        'format': 'rnn-holdout-torch-case/1', 'name': name, 'description': 'generated by make_torch_cases.py',
        'source': SOURCE, 'module': 'LSTM' if mode == 'LSTM' else 'GRU' if mode == 'GRU' else 'RNN',
        'cell': mode, 'constructor': cons,
        'dims': {'seq_len': seq, 'batch': batch, 'input_size': c['input_size'], 'hidden_size': c['hidden_size'],
                 'num_layers': c['num_layers'], 'num_directions': dirs, 'proj_size': proj, 'h_size': hs},
        'parameters': [dict(name=n, **t(v)) for n, v in params],
        'input': t(x), 'h0': t(h0) if h0 is not None else None,
        'packed': None if lengths is None else {'lengths': list(lengths), 'enforce_sorted': False,
                                                'padding_value': 0.0, 'total_length': seq, 'how': 'pack/pad'},
        'loss': {'formula': 'sum(output*G)+sum(h_n*Gh)(+sum(c_n*Gc))', 'G': t(G), 'Gh': t(Gh)},
        'results': results,
    }
    if mode == 'LSTM':
        case['c0'] = t(c0) if c0 is not None else None
        case['loss']['Gc'] = t(Gc)
    return case


# ---------------------------------------------------------------------------------------------
# training cases

OPTIMIZERS = {
    'sgd_momentum_nesterov_wd': ('sgd', dict(lr=0.05, momentum=0.9, dampening=0, weight_decay=0.01, nesterov=True)),
    'sgd_momentum_dampening': ('sgd', dict(lr=0.1, momentum=0.8, dampening=0.3, weight_decay=0, nesterov=False)),
    'adam_amsgrad_wd': ('adam', dict(lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05, amsgrad=True)),
    'adamw': ('adamw', dict(lr=0.02, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1, amsgrad=False)),
    'rmsprop_centered_momentum': ('rmsprop', dict(lr=0.01, alpha=0.9, eps=1e-6, weight_decay=0.01, momentum=0.5,
                                                  centered=True)),
    'rmsprop_plain': ('rmsprop', dict(lr=0.005, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False)),
    'adagrad_decay': ('adagrad', dict(lr=0.1, lr_decay=0.01, weight_decay=0.02, initial_accumulator_value=0.1,
                                      eps=1e-10)),
}
CLASSES = {'sgd': torch.optim.SGD, 'adam': torch.optim.Adam, 'adamw': torch.optim.AdamW,
           'rmsprop': torch.optim.RMSprop, 'adagrad': torch.optim.Adagrad}


def training_case(name, mode, rnn, head_on, loss_kind, clip, optimizer_names, out_features, seq, batch, steps,
                  seed):
    rng = np.random.default_rng(seed)
    dirs = 2 if rnn['bidirectional'] else 1
    h = rnn['hidden_size']
    proto = make_rnn(mode, rnn)
    init = [('rnn.' + n, f32(rng.uniform(-0.5, 0.5, tuple(p.shape)))) for n, p in proto.named_parameters()]
    init.append(('head.weight', f32(rng.uniform(-0.5, 0.5, (out_features, dirs * h)))))
    init.append(('head.bias', f32(rng.uniform(-0.5, 0.5, (out_features,)))))
    xs = (batch, seq, rnn['input_size']) if rnn['batch_first'] else (seq, batch, rnn['input_size'])
    x = f32(rng.normal(0, 1, xs))
    lead = (batch,) if head_on == 'last_step' else ((batch, seq) if rnn['batch_first'] else (seq, batch))
    if loss_kind == 'mse':
        y = f32(rng.normal(0, 1, lead + (out_features,)))
    else:
        y = rng.integers(0, out_features, lead).astype(np.float64)
    optimizers = {}
    runs = {}
    for oname in optimizer_names:
        otype, args = OPTIMIZERS[oname]
        runs[oname] = {}
        for dtype, key in ((torch.float64, 'float64'), (torch.float32, 'float32')):
            m_rnn = make_rnn(mode, rnn).to(dtype)
            head = nn.Linear(dirs * h, out_features).to(dtype)
            named = {('rnn.' + n): p for n, p in m_rnn.named_parameters()}
            named.update({('head.' + n): p for n, p in head.named_parameters()})
            with torch.no_grad():
                for n, v in init:
                    named[n].copy_(torch.tensor(v, dtype=dtype))
            order = [n for n, _ in init]
            plist = [named[n] for n in order]
            opt = CLASSES[otype](plist, **args)
            if key == 'float64':
                d = dict(opt.defaults)
                d = {k: (list(v) if isinstance(v, tuple) else v) for k, v in d.items()}
                d['type'] = otype
                optimizers[oname] = d
            xt = torch.tensor(x, dtype=dtype)
            yt = torch.tensor(y, dtype=dtype)

            def loss_fn():
                out, _ = m_rnn(xt)
                if head_on == 'last_step':
                    last = out[:, -1] if rnn['batch_first'] else out[-1]
                    pred = head(last)
                else:
                    pred = head(out)
                if loss_kind == 'mse':
                    return nn.functional.mse_loss(pred, yt)
                return nn.functional.cross_entropy(pred.reshape(-1, out_features), yt.reshape(-1).long())

            losses, step_list = [], []
            for k in range(1, steps + 1):
                opt.zero_grad()
                L = loss_fn()
                L.backward()
                entry = {'step': k, 'loss': float(L.item())}
                if clip is not None:
                    entry['grad_before_clip'] = {n: t(named[n].grad.detach().numpy()) for n in order}
                    norm = torch.nn.utils.clip_grad_norm_(plist, clip)
                    entry['grad_norm'] = float(norm.item())
                    entry['clip_coef'] = float(min(1.0, clip / (norm.item() + 1e-6)))
                entry['grad'] = {n: t(named[n].grad.detach().numpy()) for n in order}
                opt.step()
                entry['params_after'] = {n: t(named[n].detach().numpy()) for n in order}
                losses.append(entry['loss'])
                step_list.append(entry)
            with torch.no_grad():
                final = float(loss_fn().item())
            runs[oname][key] = {'losses': losses, 'final_loss': final,
                                'final_parameters': {n: t(named[n].detach().numpy()) for n in order},
                                'steps': step_list}
    return {
        'format': 'rnn-torch-training/2', 'name': name, 'description': 'generated by make_torch_cases.py',
        'source': SOURCE,
        'model': {'rnn': dict(mode=mode, **{k: rnn[k] for k in ('input_size', 'hidden_size', 'num_layers', 'bias',
                                                                  'bidirectional', 'batch_first')}),
                  'head': {'in_features': dirs * h, 'out_features': out_features, 'bias': True},
                  'head_on': head_on},
        'loss': 'mse' if loss_kind == 'mse' else 'cross_entropy', 'clip_grad_norm': clip, 'num_steps': steps,
        'optimizers': optimizers,
        'initial_parameters': [dict(name=n, **t(v)) for n, v in init],
        'x': t(x), 'y': t(y), 'runs': runs,
    }


def rnn_cfg(i, h, layers=1, bias=True, bf=False, bidir=False, proj=0):
    c = dict(input_size=i, hidden_size=h, num_layers=layers, bias=bias, batch_first=bf, bidirectional=bidir)
    if proj:
        c['proj_size'] = proj
    return c


def main():
    out = sys.argv[1]
    os.makedirs(os.path.join(out, 'torch'), exist_ok=True)
    os.makedirs(os.path.join(out, 'training'), exist_ok=True)
    modules = [
        ('t_gru_2l_bidir_bf_packed', 'GRU', rnn_cfg(3, 4, 2, bf=True, bidir=True), 5, 3, [5, 2, 4]),
        ('t_lstm_proj_2l_bidir_packed', 'LSTM', rnn_cfg(3, 5, 2, bidir=True, proj=3), 6, 3, [6, 1, 4]),
        ('t_rnn_relu_bidir_bf_nobias', 'RNN_RELU', rnn_cfg(4, 5, 1, bias=False, bf=True, bidir=True), 4, 2, None),
        ('t_rnn_tanh_3l_packed', 'RNN_TANH', rnn_cfg(2, 3, 3), 5, 4, [3, 5, 1, 2]),
        ('t_lstm_bf_bidir_proj', 'LSTM', rnn_cfg(4, 6, 1, bf=True, bidir=True, proj=2), 4, 2, None),
        ('t_gru_3l_nobias', 'GRU', rnn_cfg(3, 4, 3, bias=False), 4, 2, None),
    ]
    for k, (name, mode, c, seq, batch, lengths) in enumerate(modules):
        case = module_case(name, mode, c, seq, batch, lengths, seed=100 + k)
        json.dump(case, open(os.path.join(out, 'torch', name + '.json'), 'w'))
    trainings = [
        ('tt_lstm_all_mse_sgd', 'LSTM', rnn_cfg(3, 4), 'all_steps', 'mse', None,
         ['sgd_momentum_nesterov_wd', 'sgd_momentum_dampening'], 2),
        ('tt_gru_bidir_last_ce_clip_adam', 'GRU', rnn_cfg(3, 4, 1, bidir=True), 'last_step', 'ce', 0.5,
         ['adam_amsgrad_wd', 'adamw'], 3),
        ('tt_rnn_relu_2l_bf_all_ce_rmsprop', 'RNN_RELU', rnn_cfg(2, 4, 2, bf=True), 'all_steps', 'ce', None,
         ['rmsprop_centered_momentum', 'rmsprop_plain'], 3),
        ('tt_lstm_2l_bidir_bf_last_mse_adagrad_clip', 'LSTM', rnn_cfg(3, 3, 2, bf=True, bidir=True), 'last_step',
         'mse', 1.0, ['adagrad_decay'], 2),
        ('tt_rnn_tanh_nobias_last_mse_all', 'RNN_TANH', rnn_cfg(2, 3, 1, bias=False), 'last_step', 'mse', 2.0,
         list(OPTIMIZERS), 2),
    ]
    for k, (name, mode, c, head_on, lk, clip, opts, outf) in enumerate(trainings):
        case = training_case(name, mode, c, head_on, lk, clip, opts, outf, seq=5, batch=3, steps=5, seed=200 + k)
        json.dump(case, open(os.path.join(out, 'training', name + '.json'), 'w'))
    print('wrote', len(modules), 'module cases and', len(trainings), 'training cases to', out)


if __name__ == '__main__':
    main()
