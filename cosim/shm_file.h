// SPDX-License-Identifier: MIT
// shm_file.h — the sparse shared file behind a DRAM window, mapped MAP_SHARED, owned RAII. By
// default an anonymous memfd (no name in any file system, so the size of /dev/shm does not limit
// it and nothing is left behind even after SIGKILL), shared with a local client as
// /proc/<pid>/fd/<n>; with a backing directory, a file created O_EXCL mode 0600 with an
// unguessable name there, unlinked by the destructor. Pages are allocated explicitly (Allocate)
// before anything touches them, so a full backing store is an error, never a SIGBUS.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace dmacosim {

class ShmFile {
 public:
  // `dir` empty: memfd "dmacosim-<tag>"; else DIR/dmacosim-<pid>-<random>-<tag>. The file is
  // `size` bytes, reads as zeros and holds no pages yet; mode 0600. Throws std::runtime_error with
  // errno text on failure.
  ShmFile(const std::string& tag, std::size_t size, const std::string& dir = {});
  ~ShmFile();
  ShmFile(const ShmFile&) = delete;
  ShmFile& operator=(const ShmFile&) = delete;

  // A path another local process of the same user can open: /proc/<pid>/fd/<n> or the file's.
  const std::string& path() const { return path_; }
  std::size_t size() const { return size_; }
  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }

  // Bytes of memory or disk the file holds now (st_blocks * 512), whoever touched them.
  uint64_t AllocatedBytes() const;
  // Bytes of [offset, offset + len) that hold no page (read as zeros, cost nothing yet).
  uint64_t HoleBytes(uint64_t offset, uint64_t len) const;
  // Allocates the pages of [offset, offset + len) (fallocate). False with errno set when the
  // backing store refuses (ENOSPC, ENOMEM): then nothing new is allocated.
  bool Allocate(uint64_t offset, uint64_t len);
  // Copies [offset, offset + len) out with pread: holes read as zeros without allocating a page.
  void ReadAt(uint64_t offset, uint8_t* out, uint64_t len) const;

 private:
  std::string path_;
  std::string unlink_path_;  // empty for a memfd
  std::size_t size_ = 0;
  int fd_ = -1;
  uint8_t* data_ = nullptr;
};

}  // namespace dmacosim
