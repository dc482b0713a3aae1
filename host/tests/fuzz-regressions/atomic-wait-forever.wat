;; Waits on its shared memory with no timeout: that must not hang the scan.
(module
  (memory (export "memory") 1 1 shared)
  (func (export "poll") (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1)))))
