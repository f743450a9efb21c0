/** ONNX export and import (pure TypeScript: runs in the browser, workers and Node). */
export { exportOnnx, onnxUnsupported, ONNX_OPSET, ONNX_IR_VERSION, BATCH_DIM, type OnnxExport, type OnnxExportOptions, type OnnxPort, type OnnxUnsupported } from './export';
export { applyWeights, checkWeights, freshWeights, weightsFromModel, type DesignWeights, type WeightArray } from './weights';
export { decodeModel, encodeModel, decodeTensor, encodeTensor } from './proto';
export { importOnnx, type OnnxImport, type OnnxImportOptions, type OnnxImportPort } from './import';
