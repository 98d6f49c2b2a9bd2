// SPDX-License-Identifier: MIT
// shm_file.cpp — create, map and remove the shared-memory file behind a DRAM window.
#include "shm_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

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

ShmFile::ShmFile(const std::string& tag, std::size_t size) : size_(size) {
  path_ = "/dev/shm/dmacosim-" + std::to_string(::getpid()) + "-" + RandomHex() + "-" + tag;
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd_ < 0) ThrowErrno("cannot create " + path_, errno);
  // From here on the destructor does not run: clean up by hand on failure.
  auto fail = [this](const std::string& what) {
    const int err = errno;
    ::close(fd_);
    ::unlink(path_.c_str());
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
  ::unlink(path_.c_str());
}

}  // namespace dmacosim
