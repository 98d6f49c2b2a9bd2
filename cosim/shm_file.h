// SPDX-License-Identifier: MIT
// shm_file.h — a sparse shared-memory file under /dev/shm, mapped MAP_SHARED, owned RAII:
// created O_EXCL mode 0600 with an unguessable name, unmapped and unlinked by the destructor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace dmacosim {

class ShmFile {
 public:
  // Creates /dev/shm/dmacosim-<pid>-<random>-<tag> of `size` bytes (reads as zeros; pages are
  // allocated only when written). Throws std::runtime_error with errno text on failure.
  ShmFile(const std::string& tag, std::size_t size);
  ~ShmFile();
  ShmFile(const ShmFile&) = delete;
  ShmFile& operator=(const ShmFile&) = delete;

  const std::string& path() const { return path_; }
  std::size_t size() const { return size_; }
  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }

 private:
  std::string path_;
  std::size_t size_ = 0;
  int fd_ = -1;
  uint8_t* data_ = nullptr;
};

}  // namespace dmacosim
