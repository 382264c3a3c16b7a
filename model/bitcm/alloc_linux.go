package bitcm

import "syscall"

// adviseHuge asks the kernel to back b with transparent huge pages
// (honoured when /sys/kernel/mm/transparent_hugepage/enabled is
// "always" or "madvise"). A refusal only costs speed.
func adviseHuge(b []byte) { _ = syscall.Madvise(b, syscall.MADV_HUGEPAGE) }
