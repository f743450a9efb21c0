#!/usr/bin/env bash
# Runs `bench:gpu` (and the PyTorch peer on CUDA and CPU) on a GPU machine with no Node.js and no network,
# from the folder built by scripts/device/pack.sh (default dist-device/, next to this script when copied there).
# Usage: bash dist-device/gpu-bench.sh [folder] [extra bench:gpu args...]
# Writes gpu-bench.json and torch-*.json to $OUT (or /tmp/gpu-bench-out).
set -uo pipefail
D="$(cd "${1:-dist-device}" && pwd)"; shift || true
OUT="${OUT:-/tmp/gpu-bench-out}"; mkdir -p "$OUT"
T=/tmp/layerloom-device; mkdir -p "$T"
unxz() { python3 -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2],"wb"))' "$1" "$2"; }
unxz "$D/node.xz" "$T/node" && chmod +x "$T/node"
unxz "$D/dawn.node.xz" "$D/node_modules/webgpu/dist/linux-x64/dawn.node"
# The Vulkan loader plus glvnd (libGLX_nvidia.so.0, NVIDIA's Vulkan ICD, needs libGLdispatch: without it
# the loader reports "Could not get 'vkCreateInstance' via 'vk_icdGetInstanceProcAddr'"). The ICD itself
# comes with the driver mount.
for f in "$D"/debs/*.deb; do dpkg -x "$f" /; done; ldconfig
if [ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ]; then
  for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
    [ -f "$icd" ] && export VK_DRIVER_FILES="$icd" && break
  done
fi
[ -d /usr/local/nvidia/lib64 ] && export LD_LIBRARY_PATH="/usr/local/nvidia/lib64:/usr/local/nvidia/lib:${LD_LIBRARY_PATH:-}"
echo "node $("$T/node" --version); VK_DRIVER_FILES=${VK_DRIVER_FILES:-} VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-}"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
export LAYERLOOM_WASM_DIR="$D/wasm"
"$T/node" "$D/gpu-bench.mjs" --json-out "$OUT/gpu-bench.json" "$@" 2>&1 | grep -v 'Hi, looks like\|=====\|^$\|tfjs-node for more'
[ -n "${SKIP_TORCH:-}" ] && exit 0
if python3 -c 'import torch; assert torch.cuda.is_available()' 2>/dev/null; then
  python3 "$D/torch_ref.py" --device cuda --count 512 --dir /nonexistent | tee "$OUT/torch-cuda.json"
fi
python3 "$D/torch_ref.py" --threads 2 --count 512 --dir /nonexistent | tee "$OUT/torch-cpu2.json"
