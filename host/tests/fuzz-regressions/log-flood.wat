;; Logs 4 KiB messages in an endless loop: the host keeps 8 per poll and drops the rest.
(module
  (import "env" "wasm_log" (func $log (param i32 i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "poll") (loop $l (drop (call $log (i32.const 2) (i32.const 0) (i32.const 8) (i32.const 1) (i32.const 0) (i32.const 4096))) (br $l))))
