#!/usr/bin/env bash
# Builds dist-device/ (git-ignored): everything scripts/device/gpu-bench.sh needs on a GPU machine that has
# no Node.js and no network — bench/gpu.ts bundled with esbuild, the wasm binaries, the `webgpu` package with
# only its linux-x64 dawn.node (xz), an xz-compressed node binary, the Vulkan loader .deb and the PyTorch peer.
# Stays well inside a 64 MiB carry limit (about 30 MiB).
set -euo pipefail
cd "$(dirname "$0")/../.."
D=dist-device
rm -f "$D/node_modules/webgpu/dist/linux-x64/dawn.node"  # unpacked by a local test run
mkdir -p "$D/wasm" "$D/node_modules/webgpu/dist/linux-x64" "$D/debs"
npx esbuild bench/gpu.ts --bundle --platform=node --format=esm --target=node20 --minify \
  --outfile="$D/gpu-bench.mjs" --external:webgpu --log-level=error \
  --banner:js="import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; import { dirname as __dn } from 'node:path'; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);"
# tfjs's own binaries (LayerLoom's SIMD kernels travel inside the bundle: simd/kernels.wasm.ts holds them as base64).
cp node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm "$D/wasm/"
cp node_modules/webgpu/package.json node_modules/webgpu/index.js node_modules/webgpu/LICENSE.md "$D/node_modules/webgpu/"
# Compressing node takes minutes on 2 busy cores: reuse earlier archives of the same inputs.
[ "$D/dawn.node.xz" -nt node_modules/webgpu/dist/linux-x64/dawn.node ] || xz -T2 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node > "$D/dawn.node.xz"
[ "$D/node.xz" -nt "$(command -v node)" ] || xz -T2 -6 -c "$(command -v node)" > "$D/node.xz"
cp bench/torch_ref.py scripts/device/gpu-bench.sh "$D/"
# The Vulkan loader (libvulkan.so.1) and glvnd, amd64; Dawn dlopens the loader, NVIDIA's ICD needs glvnd.
( o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64-lists'
  mkdir -p /tmp/amd64-lists/partial
  [ -n "$(ls /tmp/amd64-lists/*Packages* 2>/dev/null)" ] || apt-get $o update -qq
  cd "$D/debs" && rm -f ./*.deb && apt-get $o download libvulkan1 libglvnd0 libglx0 libgl1 libegl1 libgles2 libopengl0 -qq )
du -sh "$D" && ls -la "$D" "$D/debs"
