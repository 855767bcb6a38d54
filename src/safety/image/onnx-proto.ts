/**
 * The part of ONNX's protobuf schema (onnx/onnx.proto, IR version 7) that a converted inference graph needs, encoded
 * with protobufjs. Field numbers are ONNX's own, so onnxruntime reads the result like any exported model; fields the
 * converter never writes (functions, sparse tensors, training info) are simply left out of the schema.
 */
import protobuf from 'protobufjs';

const ONNX_SUBSET = `
syntax = "proto2";
package onnx;

message AttributeProto {
  enum AttributeType { UNDEFINED = 0; FLOAT = 1; INT = 2; STRING = 3; TENSOR = 4; GRAPH = 5; FLOATS = 6; INTS = 7; STRINGS = 8; }
  optional string name = 1;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  repeated float floats = 7;
  repeated int64 ints = 8;
  optional AttributeType type = 20;
}

message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  repeated AttributeProto attribute = 5;
  optional string domain = 7;
}

message TensorProto {
  enum DataType { UNDEFINED = 0; FLOAT = 1; UINT8 = 2; INT8 = 3; INT32 = 6; INT64 = 7; }
  repeated int64 dims = 1;
  optional int32 data_type = 2;
  optional string name = 8;
  optional bytes raw_data = 9;
}

message TensorShapeProto {
  message Dimension {
    oneof value { int64 dim_value = 1; string dim_param = 2; }
  }
  repeated Dimension dim = 1;
}

message TypeProto {
  message Tensor {
    optional int32 elem_type = 1;
    optional TensorShapeProto shape = 2;
  }
  oneof value { Tensor tensor_type = 1; }
}

message ValueInfoProto {
  optional string name = 1;
  optional TypeProto type = 2;
}

message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  optional string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
}

message OperatorSetIdProto {
  optional string domain = 1;
  optional int64 version = 2;
}

message StringStringEntryProto {
  optional string key = 1;
  optional string value = 2;
}

message ModelProto {
  optional int64 ir_version = 1;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional string doc_string = 6;
  optional GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
  repeated StringStringEntryProto metadata_props = 14;
}
`;

const root = protobuf.parse(ONNX_SUBSET, { keepCase: true }).root;
const modelType = root.lookupType('onnx.ModelProto');

/** ONNX element types used here (TensorProto.DataType). */
export const OnnxType = { FLOAT: 1, UINT8: 2, INT64: 7 } as const;
/** AttributeProto.AttributeType values used here. */
export const AttrType = { FLOAT: 1, INT: 2, FLOATS: 6, INTS: 7 } as const;

export interface OnnxAttribute {
  name: string;
  type: number;
  f?: number;
  i?: number;
  floats?: number[];
  ints?: number[];
}

export interface OnnxNode {
  name: string;
  op_type: string;
  input: string[];
  output: string[];
  attribute: OnnxAttribute[];
}

export interface OnnxTensor {
  name: string;
  dims: number[];
  data_type: number;
  raw_data: Uint8Array;
}

export interface OnnxValueInfo {
  name: string;
  type: { tensor_type: { elem_type: number; shape: { dim: Array<{ dim_value: number } | { dim_param: string }> } } };
}

export interface OnnxModel {
  ir_version: number;
  producer_name: string;
  producer_version: string;
  doc_string: string;
  opset_import: Array<{ domain: string; version: number }>;
  metadata_props: Array<{ key: string; value: string }>;
  graph: {
    name: string;
    node: OnnxNode[];
    initializer: OnnxTensor[];
    input: OnnxValueInfo[];
    output: OnnxValueInfo[];
  };
}

/** Serialises a model to the bytes of an .onnx file. */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const problem = modelType.verify(model);
  if (problem) throw new Error(`invalid ONNX model: ${problem}`);
  return modelType.encode(modelType.fromObject(model)).finish();
}

/** Parses .onnx bytes back into plain objects (tests and diagnostics). */
export function decodeOnnxModel(bytes: Uint8Array): Record<string, unknown> {
  return modelType.toObject(modelType.decode(bytes), { longs: Number, bytes: Array, defaults: false });
}
