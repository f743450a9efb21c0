"""GhostNet 1.0x in PyTorch, following the authors' reference (ghostnet_pytorch/ghostnet.py, Han et al. CVPR 2020):
prints the trainable parameter count for 1000 classes. templates.test.ts compares it with LayerLoom's template."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def make_divisible(v, divisor=4):
    rounded = max(divisor, int(v + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * v else rounded


class SqueezeExcite(nn.Module):
    def __init__(self, channels, ratio=0.25):
        super().__init__()
        reduced = make_divisible(channels * ratio, 4)
        self.reduce = nn.Conv2d(channels, reduced, 1, bias=True)
        self.expand = nn.Conv2d(reduced, channels, 1, bias=True)

    def forward(self, x):
        g = F.adaptive_avg_pool2d(x, 1)
        return x * F.hardsigmoid(self.expand(F.relu(self.reduce(g))))


class GhostModule(nn.Module):
    def __init__(self, cin, cout, relu=True, ratio=2, dw_size=3):
        super().__init__()
        self.cout = cout
        intrinsic = math.ceil(cout / ratio)
        act = nn.ReLU() if relu else nn.Identity()
        self.primary = nn.Sequential(nn.Conv2d(cin, intrinsic, 1, bias=False), nn.BatchNorm2d(intrinsic), act)
        self.cheap = nn.Sequential(
            nn.Conv2d(intrinsic, intrinsic * (ratio - 1), dw_size, padding=dw_size // 2, groups=intrinsic, bias=False),
            nn.BatchNorm2d(intrinsic * (ratio - 1)),
            nn.ReLU() if relu else nn.Identity(),
        )

    def forward(self, x):
        a = self.primary(x)
        return torch.cat([a, self.cheap(a)], 1)[:, : self.cout]


class GhostBottleneck(nn.Module):
    def __init__(self, cin, mid, cout, k, stride, se):
        super().__init__()
        self.stride = stride
        self.ghost1 = GhostModule(cin, mid, relu=True)
        if stride > 1:
            self.dw = nn.Sequential(nn.Conv2d(mid, mid, k, stride, (k - 1) // 2, groups=mid, bias=False), nn.BatchNorm2d(mid))
        self.se = SqueezeExcite(mid, se) if se > 0 else None
        self.ghost2 = GhostModule(mid, cout, relu=False)
        if cin == cout and stride == 1:
            self.shortcut = nn.Identity()
        else:
            self.shortcut = nn.Sequential(
                nn.Conv2d(cin, cin, k, stride, (k - 1) // 2, groups=cin, bias=False), nn.BatchNorm2d(cin),
                nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout),
            )

    def forward(self, x):
        y = self.ghost1(x)
        if self.stride > 1:
            y = self.dw(y)
        if self.se is not None:
            y = self.se(y)
        return self.ghost2(y) + self.shortcut(x)


# kernel, expansion width, output width, SE ratio, stride (the paper's Table 7)
CONFIG = [
    [3, 16, 16, 0, 1], [3, 48, 24, 0, 2], [3, 72, 24, 0, 1], [5, 72, 40, 0.25, 2], [5, 120, 40, 0.25, 1],
    [3, 240, 80, 0, 2], [3, 200, 80, 0, 1], [3, 184, 80, 0, 1], [3, 184, 80, 0, 1], [3, 480, 112, 0.25, 1],
    [3, 672, 112, 0.25, 1], [5, 672, 160, 0.25, 2], [5, 960, 160, 0, 1], [5, 960, 160, 0.25, 1],
    [5, 960, 160, 0, 1], [5, 960, 160, 0.25, 1],
]


def ghostnet(classes=1000):
    layers = [nn.Conv2d(3, 16, 3, 2, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU()]
    cin = 16
    for k, mid, cout, se, stride in CONFIG:
        layers.append(GhostBottleneck(cin, make_divisible(mid), make_divisible(cout), k, stride, se))
        cin = make_divisible(cout)
    layers += [
        nn.Conv2d(cin, 960, 1, bias=False), nn.BatchNorm2d(960), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
        nn.Conv2d(960, 1280, 1, bias=True), nn.ReLU(), nn.Flatten(), nn.Dropout(0.2), nn.Linear(1280, classes),
    ]
    return nn.Sequential(*layers)


if __name__ == "__main__":
    model = ghostnet()
    assert model(torch.zeros(1, 3, 224, 224)).shape == (1, 1000)
    print(sum(p.numel() for p in model.parameters() if p.requires_grad))
