#!/usr/bin/python3
"""Trains qopt's reference MNIST CNNs and exports them to ONNX (opset 13).

    scripts/fetch.sh && /usr/bin/python3 scripts/train_mnist.py

- models/mnist_lenet.onnx: a LeNet-style CNN (two 5x5 convs with ReLU and
  max pooling, three fully connected layers).
- models/mnist_mobilenet.onnx: a MobileNetV2-style net (inverted residual
  blocks with 1x1 expansion, 3x3 depthwise conv, linear 1x1 projection,
  BatchNorm kept as BatchNormalization nodes, ReLU6 as Clip, global
  average pooling).

Both take "input" float32 [N, 1, 28, 28] in [0, 1] and give "logits"
[N, 10] (N dynamic). Data: qopt.datasets.mnist's "train" split (8 000
digits), accuracy printed on its "test" split (2 000). Fixed seed, one
thread; a run takes about a minute.
"""

import os
import sys
import warnings

import torch
from torch import nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))
from qopt.datasets import mnist  # noqa: E402


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 5, padding=2)   # 28x28x8
        self.conv2 = nn.Conv2d(8, 16, 5)             # 10x10x16
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


def conv_bn(cin, cout, k=1, stride=1, groups=1, relu6=True):
    layers = [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False),
              nn.BatchNorm2d(cout)]
    return nn.Sequential(*layers, nn.ReLU6()) if relu6 else nn.Sequential(*layers)


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hidden = cin * expand
        self.residual = stride == 1 and cin == cout
        self.block = nn.Sequential(
            conv_bn(cin, hidden),                                   # expand
            conv_bn(hidden, hidden, 3, stride, groups=hidden),      # depthwise
            conv_bn(hidden, cout, relu6=False))                     # project

    def forward(self, x):
        y = self.block(x)
        return x + y if self.residual else y


class MobileNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            conv_bn(1, 8, 3, stride=2),                # 14x14
            InvertedResidual(8, 16, 2, 4),             # 7x7
            InvertedResidual(16, 16, 1, 4),
            InvertedResidual(16, 24, 1, 4),
            InvertedResidual(24, 24, 1, 4),
            conv_bn(24, 64))
        self.classifier = nn.Linear(64, 10)

    def forward(self, x):
        x = F.adaptive_avg_pool2d(self.features(x), 1)
        return self.classifier(torch.flatten(x, 1))


def shift(images, generator):
    """Random translations by up to 2 pixels (zero fill)."""
    padded = F.pad(images, (2, 2, 2, 2))
    dy, dx = torch.randint(0, 5, (2,), generator=generator).tolist()
    return padded[:, :, dy:dy + 28, dx:dx + 28]


def train(model, x, y, epochs, lr, seed=0):
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    steps = epochs * -(-len(x) // 128)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, lr, total_steps=steps)
    model.train()
    for _ in range(epochs):
        for batch in torch.randperm(len(x), generator=generator).split(128):
            loss = F.cross_entropy(model(shift(x[batch], generator)), y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
    model.eval()


@torch.no_grad()
def accuracy(model, x, y):
    return (model(x).argmax(1) == y).float().mean().item()


def export(model, path):
    # PRESERVE keeps BatchNormalization nodes (EVAL would fold them into
    # the convolutions); the model is in eval mode, so they are inference BN
    # and constant folding is safe, whatever torch's warning says.
    warnings.filterwarnings("ignore", "It is recommended that constant folding")
    torch.onnx.export(
        model, torch.zeros(1, 1, 28, 28), path, opset_version=13,
        input_names=["input"], output_names=["logits"],
        dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
        training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=True)


def main():
    torch.manual_seed(0)
    torch.set_num_threads(1)  # reproducible, and faster than 2 here
    torch.use_deterministic_algorithms(True)
    x_train, y_train = (torch.from_numpy(a) for a in mnist("train"))
    x_test, y_test = (torch.from_numpy(a) for a in mnist("test"))
    os.makedirs(os.path.join(ROOT, "models"), exist_ok=True)
    for name, model, epochs, lr in [("lenet", LeNet(), 10, 3e-3),
                                    ("mobilenet", MobileNet(), 10, 1e-2)]:
        train(model, x_train, y_train, epochs, lr)
        path = os.path.join(ROOT, "models", f"mnist_{name}.onnx")
        export(model, path)
        print(f"mnist_{name}: test accuracy {accuracy(model, x_test, y_test):.2%} "
              f"on {len(y_test)} digits -> {os.path.relpath(path, ROOT)}")


if __name__ == "__main__":
    main()
