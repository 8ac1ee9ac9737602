"""Writes the torch.onnx.export graphs of rnn4j-interop/src/test/resources/onnx-export/.

Each case is a small PyTorch sequence model exported with torch.onnx.export (TorchScript-based
exporter, opset 14, dynamic batch and time axes) to <case>/model.onnx, and <case>/io.json with a
probe input and the outputs PyTorch computed for it, so the tests compare rnn4j against PyTorch,
not against rnn4j. Run with a Python that has torch (Debian's python3-torch 1.13 was used):

    python3 make_onnx_exports.py OUT_DIR
"""
import json
import os
import sys

import torch
from torch import nn

torch.manual_seed(7)


class Lstm2BidirBatchFirst(nn.Module):
    """Two bidirectional LSTM layers, batch_first: the whole output sequence."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True)

    def forward(self, x):
        return self.lstm(x)[0]


class GruLastStateLinearSigmoid(nn.Module):
    """GRU (batch_first) whose final state h_n[-1] goes through Linear and a sigmoid."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(3, 5, batch_first=True)
        self.head = nn.Linear(5, 2)

    def forward(self, x):
        _, h = self.gru(x)
        return torch.sigmoid(self.head(h[-1]))


class RnnReluSeqFirstLinear(nn.Module):
    """nn.RNN(relu), sequence-first, two layers, with a Linear on every step."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(3, 4, num_layers=2, nonlinearity="relu")
        self.head = nn.Linear(4, 3)

    def forward(self, x):
        return self.head(self.rnn(x)[0])


class LstmTimesTwo(nn.Module):
    """An LSTM whose output is scaled: a Mul no rnn4j model layer holds (refused)."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, 4, batch_first=True)

    def forward(self, x):
        return self.lstm(x)[0] * 2.0


CASES = {
    "lstm2_bidir_bf": (Lstm2BidirBatchFirst, True),
    "gru_hn_linear_sigmoid": (GruLastStateLinearSigmoid, True),
    "rnn_relu2_seqfirst_linear": (RnnReluSeqFirstLinear, False),
    "lstm_times_two": (LstmTimesTwo, True),
}


def main(out):
    for name, (cls, batch_first) in CASES.items():
        model = cls().eval()
        x = torch.randn(2, 5, 3) if batch_first else torch.randn(5, 2, 3)
        d = os.path.join(out, name)
        os.makedirs(d, exist_ok=True)
        axes = {0: "batch", 1: "steps"} if batch_first else {0: "steps", 1: "batch"}
        torch.onnx.export(model, (x,), os.path.join(d, "model.onnx"), opset_version=14,
                          input_names=["x"], output_names=["y"],
                          dynamic_axes={"x": axes, "y": {0: axes[0]}})
        with torch.no_grad():
            y = model(x)
        io = {
            "source": "PyTorch %s, torch.onnx.export opset 14; %s" % (torch.__version__, cls.__doc__),
            "batch_first": batch_first,
            "x": {"shape": list(x.shape), "data": x.flatten().tolist()},
            "y": {"shape": list(y.shape), "data": y.flatten().tolist()},
        }
        with open(os.path.join(d, "io.json"), "w") as f:
            json.dump(io, f, indent=1)
        print(name, list(x.shape), "->", list(y.shape))


if __name__ == "__main__":
    main(sys.argv[1])
