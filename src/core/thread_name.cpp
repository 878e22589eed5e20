#include <bronpoort/core/thread_name.hpp>

#include <pthread.h>

#include <cstring>
#include <string>

namespace bronpoort {

void name_this_thread(const char* name) {
  std::string cut(name, strnlen(name, 15));
  pthread_setname_np(pthread_self(), cut.c_str());
}

}  // namespace bronpoort
