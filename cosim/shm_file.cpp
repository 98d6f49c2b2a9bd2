// SPDX-License-Identifier: MIT
// shm_file.cpp — create, map, allocate and remove the shared file behind a DRAM window.
#include "shm_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>
#include <stdexcept>

namespace dmacosim {
namespace {

std::string RandomHex() {
  std::random_device device;  // /dev/urandom: the name must not be guessable
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%08x%08x", device(), device());
  return buf;
}

[[noreturn]] void ThrowErrno(const std::string& what, int err) {
  throw std::runtime_error(what + ": " + std::strerror(err));
}

}  // namespace

ShmFile::ShmFile(const std::string& tag, std::size_t size, const std::string& dir) : size_(size) {
  if (dir.empty()) {
    fd_ = ::memfd_create(("dmacosim-" + tag).c_str(), MFD_CLOEXEC);
    if (fd_ < 0) ThrowErrno("cannot create memfd dmacosim-" + tag, errno);
    path_ = "/proc/" + std::to_string(::getpid()) + "/fd/" + std::to_string(fd_);
  } else {
    path_ = dir + "/dmacosim-" + std::to_string(::getpid()) + "-" + RandomHex() + "-" + tag;
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd_ < 0) ThrowErrno("--dram-dir: cannot create " + path_, errno);
    unlink_path_ = path_;
  }
  // From here on the destructor does not run: clean up by hand on failure.
  auto fail = [this](const std::string& what) {
    const int err = errno;
    ::close(fd_);
    if (!unlink_path_.empty()) ::unlink(unlink_path_.c_str());
    ThrowErrno(what + " " + path_, err);
  };
  if (::fchmod(fd_, 0600) != 0) fail("cannot chmod");
  if (::ftruncate(fd_, static_cast<off_t>(size_)) != 0) fail("cannot size");
  void* map = ::mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd_, 0);
  if (map == MAP_FAILED) fail("cannot map");
  data_ = static_cast<uint8_t*>(map);
}

ShmFile::~ShmFile() {
  ::munmap(data_, size_);
  ::close(fd_);
  if (!unlink_path_.empty()) ::unlink(unlink_path_.c_str());
}

uint64_t ShmFile::AllocatedBytes() const {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return 0;
  return static_cast<uint64_t>(st.st_blocks) * 512;
}

uint64_t ShmFile::HoleBytes(uint64_t offset, uint64_t len) const {
  const uint64_t end = offset + len;
  uint64_t holes = 0;
  uint64_t at = offset;
  while (at < end) {
    // the next data at or after `at`; ENXIO: none up to the end of the file
    const off_t data = ::lseek(fd_, static_cast<off_t>(at), SEEK_DATA);
    const uint64_t data_at = data < 0 ? end : std::min<uint64_t>(static_cast<uint64_t>(data), end);
    holes += data_at - at;
    if (data_at >= end) break;
    const off_t hole = ::lseek(fd_, static_cast<off_t>(data_at), SEEK_HOLE);
    at = hole < 0 ? end : static_cast<uint64_t>(hole);
  }
  return holes;
}

bool ShmFile::Allocate(uint64_t offset, uint64_t len) {
  int rc;
  do {
    rc = ::fallocate(fd_, 0, static_cast<off_t>(offset), static_cast<off_t>(len));
  } while (rc != 0 && errno == EINTR);
  return rc == 0;
}

void ShmFile::ReadAt(uint64_t offset, uint8_t* out, uint64_t len) const {
  while (len > 0) {
    const ssize_t n = ::pread(fd_, out, len, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) ThrowErrno("cannot read " + path_, n < 0 ? errno : EIO);
    out += n;
    offset += static_cast<uint64_t>(n);
    len -= static_cast<uint64_t>(n);
  }
}

}  // namespace dmacosim
