// Demo host page: embeds the widget exactly as the Botpress v12 docs do, and registers the view for the
// demo bot's `custom` message ({type:'custom', module:'demo', component:'Greeting', data:{name}}).
// A message can only name a view the page registered: the widget never loads code from a message.
window.botpressWebChat.registerView('demo', 'Greeting', function (container, props) {
  var name = (props.data && props.data.name) || 'there';
  var text = document.createElement('div');
  text.className = 'demo-greeting';
  text.textContent = 'Hello ' + name + ', from a custom component registered by this page!';
  var button = document.createElement('button');
  button.type = 'button';
  button.className = 'bpw-quick-reply';
  button.textContent = 'Say hi back';
  var onClick = function () {
    button.disabled = true;
    props.sendPayload({ type: 'text', text: 'hi' });
  };
  button.addEventListener('click', onClick);
  container.appendChild(text);
  container.appendChild(button);
  return function cleanup() {
    button.removeEventListener('click', onClick);
  };
});
window.botpressWebChat.init({ host: location.origin, botId: 'welcome-bot' });
