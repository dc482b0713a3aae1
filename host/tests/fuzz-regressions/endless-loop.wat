;; An endless loop: the poll ends at its CPU budget, the neighbours keep scanning.
(module (memory (export "memory") 1) (func (export "poll") (loop $l (br $l))))
