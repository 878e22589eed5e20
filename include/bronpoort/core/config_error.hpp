#pragma once
// A problem found in a configuration file: where it is and what is wrong.

#include <string>
#include <vector>

namespace bronpoort {

struct ConfigError {
  std::string file;     // path of the file, as given
  std::string pointer;  // JSON pointer into that file ("" for the whole document)
  std::string reason;

  std::string to_string() const {
    return file + ":" + (pointer.empty() ? "/" : pointer) + ": " + reason;
  }
};

using ConfigErrors = std::vector<ConfigError>;

}  // namespace bronpoort
