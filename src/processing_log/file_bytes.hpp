#pragma once
// The whole content of a key, note or proof file, as the signing and verifying code reads them.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace bronpoort::processing_log {

// False when the file cannot be opened.
inline bool read_file(const std::filesystem::path& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

}  // namespace bronpoort::processing_log
