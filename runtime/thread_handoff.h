#pragma once

// Happens-before annotations for ThreadSanitizer at the points where oneTBB
// hands data from one thread to another. libtbb is not built with TSan, so
// its internal synchronization is invisible to it; without these, every
// morsel passed between pipeline stages would be reported as a race. In
// builds without TSan they compile to nothing.
//
// Usage: the thread giving data away calls handoff_release(&object) after
// its last write; the thread receiving it calls handoff_acquire(&object)
// before its first read.

#if defined(__SANITIZE_THREAD__)
#define WEIR_THREAD_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define WEIR_THREAD_SANITIZER 1
#endif
#endif

#if defined(WEIR_THREAD_SANITIZER)
extern "C" void __tsan_acquire(void* address);
extern "C" void __tsan_release(void* address);
#endif

namespace weir {

inline void handoff_release(const void* object) {
#if defined(WEIR_THREAD_SANITIZER)
  __tsan_release(const_cast<void*>(object));
#else
  (void)object;
#endif
}

inline void handoff_acquire(const void* object) {
#if defined(WEIR_THREAD_SANITIZER)
  __tsan_acquire(const_cast<void*>(object));
#else
  (void)object;
#endif
}

}  // namespace weir
