#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks for the full test suite, then the npm dependencies.
#  - chromium: the browser that the e2e specs and the UI benchmark drive (playwright-core, no browser download)
#  - dataset-fashion-mnist: the full Fashion-MNIST IDX files for the training tests and benchmarks
#  - python3-torch: PyTorch CPU, only to check the PyTorch export and as the benchmark's peer
#  - python3-torchvision: torchvision.ops.DeformConv2d, which the PyTorch export of DeformableConv2D uses
#  - python3-onnx, libonnx-testdata: ONNX's checker and its backend node tests, for the ONNX export/import tests
#  - fonts-noto-cjk: a Chinese font, so the Simplified Chinese interface renders in e2e screenshots
#  - libvulkan1: the Vulkan loader Dawn (the `webgpu` package) needs to find an adapter; with Chromium's SwiftShader
#    ICD the WebGPU training tests run on the CPU in CI instead of skipping
#  - clang, lld, llvm-14: clang's wasm32 target, wasm-ld and llvm-objdump, to rebuild LayerLoom's WASM SIMD kernels and
#    check the committed binaries against their source (`npm run build:simd -- --check`, also a unit test)
# Packages that cannot be installed (no root, no apt) are reported; the tests that need them print why they skip.
set -euo pipefail
cd "$(dirname "$0")/.."

want=()
[ -x /usr/bin/chromium ] || want+=(chromium)
[ -d /usr/share/datasets/fashion-mnist ] || want+=(dataset-fashion-mnist)
/usr/bin/python3 -c 'import torch' >/dev/null 2>&1 || want+=(python3-torch)
/usr/bin/python3 -c 'import torchvision' >/dev/null 2>&1 || want+=(python3-torchvision)
/usr/bin/python3 -c 'import onnx' >/dev/null 2>&1 || want+=(python3-onnx)
[ -d /usr/share/libonnx-testdata/data/node ] || want+=(libonnx-testdata)
dpkg -s libvulkan1 >/dev/null 2>&1 || want+=(libvulkan1)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || want+=(fonts-noto-cjk)
command -v clang >/dev/null || want+=(clang)
command -v wasm-ld >/dev/null || want+=(lld)
command -v llvm-objdump >/dev/null || command -v llvm-objdump-14 >/dev/null || want+=(llvm-14)
if [ ${#want[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian packages: ${want[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
  elif command -v sudo >/dev/null && command -v apt-get >/dev/null; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
  else
    echo "setup: cannot install ${want[*]} (needs apt-get as root); tests that need them will say so and skip."
  fi
fi
npm ci --no-audit --no-fund
